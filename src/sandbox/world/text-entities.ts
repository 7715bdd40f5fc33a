// Entities Telegram finds by itself in any text (bot commands, mentions, hashtags, cashtags, URLs,
// e-mail addresses), merged with the formatting entities of a message. Offsets and lengths are in
// UTF-16 code units, like JS strings and like the Bot API.

import type { BotApiMessageEntity } from './botapi-types.js';

const WORD = /[\p{L}\p{N}_]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch);
}

function charBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const c = text.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) return text.slice(i - 2, i);
  return text[i - 1];
}

function charAt(text: string, i: number): string | undefined {
  if (i >= text.length) return undefined;
  const cp = text.codePointAt(i)!;
  return String.fromCodePoint(cp);
}

const BOT_COMMAND = /\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?/g;
const MENTION = /@[a-zA-Z0-9_]{4,32}/g;
const HASHTAG = /#[\p{L}\p{N}_]{1,256}/gu;
const CASHTAG = /\$[A-Z]{1,8}/g;
const EMAIL = /[a-zA-Z0-9._%+-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*\.[a-zA-Z]{2,24}/g;
const URL_RE =
  /(?:(?:https?|ftp|tg|ton):\/\/[^\s<>"]+|(?:www\.)?(?:[a-zA-Z0-9-]+\.)+(?:com|org|net|io|me|dev|app|ru|de|uk|fr|info|xyz|co|ai|gg|tv|eu|us|biz|tech|site|online|ly|sh|so|to)(?::\d{1,5})?(?:\/[^\s<>"]*)?)/g;

function trimUrlTail(s: string): string {
  // A URL does not end with sentence punctuation or an unbalanced closing bracket.
  while (s.length > 0) {
    const last = s[s.length - 1];
    if ('.,:;!?\'"'.includes(last)) s = s.slice(0, -1);
    else if (last === ')' && (s.match(/\(/g)?.length ?? 0) < (s.match(/\)/g)?.length ?? 0)) s = s.slice(0, -1);
    else break;
  }
  return s;
}

/** The entities Telegram detects in plain text, sorted. */
export function detectEntities(text: string): BotApiMessageEntity[] {
  const out: BotApiMessageEntity[] = [];
  const taken: Array<[number, number]> = [];
  const free = (a: number, b: number) => taken.every(([x, y]) => b <= x || a >= y);
  const add = (type: string, offset: number, length: number) => {
    if (length <= 0 || !free(offset, offset + length)) return;
    taken.push([offset, offset + length]);
    out.push({ type, offset, length });
  };
  // Each kind needs its trigger character: most texts skip most regexes.
  const hasDot = text.includes('.') || text.includes(':');
  const hasAt = text.includes('@');
  if (hasDot) for (const m of text.matchAll(URL_RE)) {
    const i = m.index;
    if (isWordChar(charBefore(text, i)) || charBefore(text, i) === '@') continue;
    const url = trimUrlTail(m[0]);
    if (url.includes('@') && !/^[a-z]+:\/\//i.test(url)) continue; // an e-mail address, below
    add('url', i, url.length);
  }
  if (hasAt && hasDot) for (const m of text.matchAll(EMAIL)) {
    const i = m.index;
    if (isWordChar(charBefore(text, i))) continue;
    add('email', i, m[0].length);
  }
  if (text.includes('/')) for (const m of text.matchAll(BOT_COMMAND)) {
    const i = m.index;
    const prev = charBefore(text, i);
    const next = charAt(text, i + m[0].length);
    if (isWordChar(prev) || prev === '/' || prev === '<' || prev === '>') continue;
    if (isWordChar(next) || next === '/' || next === '<' || next === '>') continue;
    add('bot_command', i, m[0].length);
  }
  if (hasAt) for (const m of text.matchAll(MENTION)) {
    const i = m.index;
    if (isWordChar(charBefore(text, i)) || isWordChar(charAt(text, i + m[0].length))) continue;
    add('mention', i, m[0].length);
  }
  if (text.includes('#')) for (const m of text.matchAll(HASHTAG)) {
    const i = m.index;
    if (isWordChar(charBefore(text, i)) || !/\p{L}/u.test(m[0])) continue;
    if (text[i + m[0].length] === '#') continue;
    add('hashtag', i, m[0].length);
  }
  if (text.includes('$')) for (const m of text.matchAll(CASHTAG)) {
    const i = m.index;
    const prev = charBefore(text, i);
    if (isWordChar(prev) || prev === '$' || isWordChar(charAt(text, i + m[0].length))) continue;
    add('cashtag', i, m[0].length);
  }
  return sortEntities(out);
}

/** Telegram's order: by offset, longer first. */
export function sortEntities(entities: BotApiMessageEntity[]): BotApiMessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

const OPAQUE = new Set(['code', 'pre', 'text_link', 'text_mention', 'custom_emoji', 'url', 'email']);

/**
 * The entities of a sent text: the formatting ones, plus the detected ones that do not overlap
 * code, pre or links (Telegram does not find a URL inside a code span).
 */
export function mergeEntities(text: string, formatting: BotApiMessageEntity[]): BotApiMessageEntity[] {
  const opaque = formatting.filter((e) => OPAQUE.has(e.type));
  const detected = detectEntities(text).filter((d) =>
    opaque.every((e) => d.offset + d.length <= e.offset || d.offset >= e.offset + e.length),
  );
  return sortEntities([...formatting, ...detected]);
}

/**
 * Trims white space at both ends of a formatted text, as Telegram does before sending, moving and
 * clipping the entities. Returns the trimmed text and entities.
 */
export function trimFormatted(
  text: string,
  entities: BotApiMessageEntity[],
): { text: string; entities: BotApiMessageEntity[] } {
  let start = 0;
  let end = text.length;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (start === 0 && end === text.length) return { text, entities };
  const out: BotApiMessageEntity[] = [];
  for (const e of entities) {
    const a = Math.max(e.offset, start);
    const b = Math.min(e.offset + e.length, end);
    if (b > a) out.push({ ...e, offset: a - start, length: b - a });
  }
  return { text: text.slice(start, end), entities: out };
}

/** Length in Unicode code points (Telegram's "characters" for the 4096 and 1024 limits). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
