// parse_mode for the sandbox Bot API: HTML, MarkdownV2 and legacy Markdown, parsed the way the
// Telegram Bot API server (TDLib) parses them, over UTF-8 bytes, with its error texts and byte
// offsets ("Can't find end of Bold entity at byte offset 15"). The server prefixes errors with
// "Bad Request: can't parse entities: ". Entity offsets are UTF-16 code units, as in the Bot API.

import type { BotApiMessageEntity, BotApiUser } from '../world/botapi-types.js';

export class MarkupError extends Error {
  override name = 'MarkupError';
}

export type ParseMode = 'HTML' | 'MarkdownV2' | 'Markdown';

type EType =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'MentionName'
  | 'CustomEmoji'
  | 'BlockQuote'
  | 'ExpandableBlockQuote';

interface Ent {
  type: EType;
  offset: number;
  length: number;
  argument?: string;
  userId?: number;
  customEmojiId?: string;
}

const PRIORITY: Record<string, number> = {
  blockquote: 0,
  expandable_blockquote: 0,
  pre: 10,
  code: 20,
  text_link: 49,
  text_mention: 49,
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  custom_emoji: 99,
};

/** TDLib's entity order: offset, then longer first, then type priority. */
export function sortFormatted(entities: BotApiMessageEntity[]): BotApiMessageEntity[] {
  return entities.sort(
    (a, b) => a.offset - b.offset || b.length - a.length || (PRIORITY[a.type] ?? 50) - (PRIORITY[b.type] ?? 50),
  );
}

const SP = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0]);
const isSpace = (c: number) => SP.has(c);
const isFirstUnit = (c: number) => (c & 0xc0) !== 0x80;
const utf16Units = (c: number) => 1 + (c >= 0xf0 ? 1 : 0);
const isAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const dec = (bytes: number[] | Uint8Array) => Buffer.from(bytes as Uint8Array).toString('utf8');

/** `tg://user?id=123` → 123 (TDLib's get_link_user_id). */
export function linkUserId(url: string): number | undefined {
  let u = url.toLowerCase();
  if (!u.startsWith('tg:')) return undefined;
  u = u.slice(3);
  if (u.startsWith('//')) u = u.slice(2);
  if (!u.startsWith('user')) return undefined;
  u = u.slice(4);
  if (u.startsWith('/')) u = u.slice(1);
  if (!u.startsWith('?')) return undefined;
  u = u.slice(1);
  const hash = u.indexOf('#');
  if (hash >= 0) u = u.slice(0, hash);
  for (const part of u.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === 'id') {
      const v = eq < 0 ? '' : part.slice(eq + 1);
      if (!/^[0-9]{1,16}$/.test(v) || Number(v) <= 0) return undefined;
      return Number(v);
    }
  }
  return undefined;
}

/** A link as Telegram stores it in a text_link (`telegram.org` → `http://telegram.org/`), or ''. */
export function checkedLink(url: string): string {
  if (url === '' || /[\s\u0000-\u001f]/.test(url)) return '';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tg' || scheme === 'ton') {
    return /^[a-zA-Z]+:(\/\/)?[a-zA-Z0-9_-]+/.test(url) ? scheme + url.slice(scheme.length) : '';
  }
  let withScheme = url;
  if (scheme === undefined || (scheme !== 'http' && scheme !== 'https' && scheme !== 'ftp')) {
    if (scheme !== undefined && url.slice(scheme.length + 1).startsWith('//')) return '';
    withScheme = 'http://' + url;
  }
  // Normalized by hand, not with URL(): Telegram keeps the rest of the link as written.
  const m = /^([a-zA-Z]+):\/\/(?:[^@/?#]*@)?([^/?#:]+)(:\d{1,5})?(.*)$/.exec(withScheme);
  if (!m) return '';
  const host = m[2].toLowerCase();
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  if (!ipv4 && !/^([a-z0-9_-]+\.)+([a-z]{2,63}|xn--[a-z0-9-]+)$/.test(host)) return '';
  let rest = m[4];
  if (rest === '' || rest.startsWith('?') || rest.startsWith('#')) rest = '/' + rest;
  return `${m[1].toLowerCase()}://${withScheme.slice(m[1].length + 3, withScheme.length - m[4].length - (m[3]?.length ?? 0) - m[2].length)}${host}${m[3] ?? ''}${rest}`;
}

/** The id of a `tg://emoji?id=N` link, or a MarkupError with TDLib's text. */
function customEmojiId(url: string): string {
  let u = url;
  const lower = u.toLowerCase();
  if (!lower.startsWith('tg:')) throw new MarkupError('Custom emoji URL must have scheme tg');
  u = u.slice(3);
  if (u.startsWith('//')) u = u.slice(2);
  if (!u.toLowerCase().startsWith('emoji')) throw new MarkupError('Custom emoji URL must have host "emoji"');
  u = u.slice(5);
  if (u.startsWith('/')) u = u.slice(1);
  if (!u.startsWith('?')) throw new MarkupError('Custom emoji URL must have an emoji identifier');
  u = u.slice(1);
  const hash = u.indexOf('#');
  if (hash >= 0) u = u.slice(0, hash);
  for (const part of u.split('&')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq) === 'id') {
      const v = part.slice(eq + 1);
      if (!/^[1-9][0-9]{0,18}$/.test(v) || BigInt(v) > 2n ** 63n - 1n) throw new MarkupError('Invalid custom emoji identifier specified');
      return v;
    }
  }
  throw new MarkupError('Custom emoji URL must have an emoji identifier');
}

// ---- MarkdownV2 -----------------------------------------------------------------------------

const MDV2_RESERVED = new Set([...'_*[]()~`>#+-=|{}.!\n'].map((c) => c.charCodeAt(0)));
const BACKTICK = 0x60;

interface Nested {
  type: EType;
  argument: string;
  entityOffset: number;
  byteOffset: number;
  beginPos: number;
}

function reservedError(c: number): MarkupError {
  return new MarkupError(`Character '${String.fromCharCode(c)}' is reserved and must be escaped with the preceding '\\'`);
}

function endError(n: Nested): MarkupError {
  return new MarkupError(`Can't find end of ${n.type} entity at byte offset ${n.byteOffset}`);
}

function parseMarkdownV2(src: Uint8Array): { out: Uint8Array; entities: Ent[] } {
  const n = src.length;
  const at = (i: number) => (i < n ? src[i] : 0);
  const out = new Uint8Array(n);
  let rs = 0;
  let utf16 = 0;
  const entities: Ent[] = [];
  const nested: Nested[] = [];
  let haveBlockquote = false;
  let canStartBlockquote = true;

  const readUrl = (i: number): { url: number[]; i: number } => {
    const url: number[] = [];
    while (i < n && src[i] !== 0x29) {
      if (src[i] === 0x5c && at(i + 1) > 0 && at(i + 1) <= 126) {
        url.push(at(i + 1));
        i += 2;
        continue;
      }
      url.push(src[i++]);
    }
    return { url, i };
  };

  for (let i = 0; i < n; i++) {
    const c = src[i];
    if (c === 0x5c && at(i + 1) > 0 && at(i + 1) <= 126) {
      i++;
      utf16 += 1;
      out[rs++] = src[i];
      if (src[i] !== 0x0d) canStartBlockquote = src[i] === 0x0a;
      continue;
    }
    const top = nested[nested.length - 1];
    const inCode = top !== undefined && (top.type === 'Code' || top.type === 'Pre' || top.type === 'PreCode');
    const reserved = inCode ? c === BACKTICK : MDV2_RESERVED.has(c);
    if (!reserved) {
      if (isFirstUnit(c)) {
        utf16 += utf16Units(c);
        if (c !== 0x0d) canStartBlockquote = false;
      }
      out[rs++] = c;
      continue;
    }

    let isEnd = false;
    if (top !== undefined) {
      if (haveBlockquote && c === 0x0a && (i + 1 === n || src[i + 1] !== 0x3e)) isEnd = true;
      else {
        switch (top.type) {
          case 'Bold':
            isEnd = c === 0x2a;
            break;
          case 'Italic':
            isEnd = c === 0x5f && at(i + 1) !== 0x5f;
            break;
          case 'Code':
            isEnd = c === BACKTICK;
            break;
          case 'Pre':
          case 'PreCode':
            isEnd = c === BACKTICK && at(i + 1) === BACKTICK && at(i + 2) === BACKTICK;
            break;
          case 'TextUrl':
          case 'CustomEmoji':
            isEnd = c === 0x5d;
            break;
          case 'Underline':
            isEnd = c === 0x5f && at(i + 1) === 0x5f;
            break;
          case 'Strikethrough':
            isEnd = c === 0x7e;
            break;
          case 'Spoiler':
            isEnd = c === 0x7c && at(i + 1) === 0x7c;
            break;
          default:
            isEnd = false;
        }
      }
    }

    if (!isEnd) {
      let type: EType | undefined;
      let argument = '';
      const byteOffset = i;
      switch (c) {
        case 0x5f: // _
          if (at(i + 1) === 0x5f) {
            type = 'Underline';
            i++;
          } else type = 'Italic';
          break;
        case 0x2a:
          type = 'Bold';
          break;
        case 0x7e:
          type = 'Strikethrough';
          break;
        case 0x7c:
          if (at(i + 1) === 0x7c) {
            i++;
            type = 'Spoiler';
          } else throw reservedError(c);
          break;
        case 0x5b:
          type = 'TextUrl';
          break;
        case BACKTICK:
          if (at(i + 1) === BACKTICK && at(i + 2) === BACKTICK) {
            i += 3;
            type = 'Pre';
            let le = i;
            while (!isSpace(at(le)) && at(le) !== BACKTICK) le++;
            if (i !== le && le < n && at(le) !== BACKTICK) {
              type = 'PreCode';
              argument = dec(src.subarray(i, le));
              i = le;
            }
            if (at(i) === 0x0a || at(i) === 0x0d) {
              if ((at(i + 1) === 0x0a || at(i + 1) === 0x0d) && at(i) !== at(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else type = 'Code';
          break;
        case 0x21: // !
          if (at(i + 1) === 0x5b) {
            i++;
            type = 'CustomEmoji';
          } else throw reservedError(c);
          break;
        case 0x0a:
          utf16 += 1;
          out[rs++] = 0x0a;
          canStartBlockquote = true;
          continue;
        case 0x3e: // >
          if (!canStartBlockquote) throw reservedError(c);
          if (haveBlockquote) continue;
          type = 'BlockQuote';
          haveBlockquote = true;
          break;
        default:
          throw reservedError(c);
      }
      nested.push({ type: type!, argument, entityOffset: utf16, byteOffset, beginPos: rs });
      continue;
    }

    // The end of an entity.
    let type = top!.type;
    if (c === 0x0a && type !== 'BlockQuote') {
      if (type !== 'Spoiler' || !(top!.byteOffset === i - 2 || (top!.byteOffset === i - 3 && rs !== 0 && out[rs - 1] === 0x0d))) {
        throw endError(top!);
      }
      nested.pop();
      const under = nested[nested.length - 1];
      if (under.type !== 'BlockQuote') throw endError(under);
      type = 'ExpandableBlockQuote';
    }
    const cur = nested[nested.length - 1];
    let argument = cur.argument;
    let userId: number | undefined;
    let emojiId: string | undefined;
    let skip = utf16 === cur.entityOffset;
    switch (type) {
      case 'Bold':
      case 'Italic':
      case 'Code':
      case 'Strikethrough':
        break;
      case 'Underline':
      case 'Spoiler':
        i++;
        break;
      case 'Pre':
      case 'PreCode':
        i += 2;
        break;
      case 'TextUrl': {
        let url: string;
        if (at(i + 1) !== 0x28) {
          url = dec(out.subarray(cur.beginPos, rs));
        } else {
          i += 2;
          const begin = i;
          const r = readUrl(i);
          i = r.i;
          if (at(i) !== 0x29) throw new MarkupError(`Can't find end of a URL at byte offset ${begin}`);
          url = dec(r.url);
        }
        userId = linkUserId(url);
        if (userId === undefined) {
          const checked = checkedLink(url);
          if (checked === '') skip = true;
          else argument = checked;
        }
        break;
      }
      case 'CustomEmoji': {
        if (at(i + 1) !== 0x28) throw new MarkupError('Custom emoji entity must contain a tg://emoji URL');
        i += 2;
        const begin = i;
        const r = readUrl(i);
        i = r.i;
        if (at(i) !== 0x29) throw new MarkupError(`Can't find end of a custom emoji URL at byte offset ${begin}`);
        emojiId = customEmojiId(dec(r.url));
        break;
      }
      case 'BlockQuote':
      case 'ExpandableBlockQuote':
        haveBlockquote = false;
        out[rs++] = src[i];
        canStartBlockquote = true;
        utf16 += 1;
        skip = false;
        break;
      default:
        break;
    }
    if (!skip) {
      const e: Ent = { type: userId !== undefined ? 'MentionName' : type, offset: cur.entityOffset, length: utf16 - cur.entityOffset };
      if (userId !== undefined) e.userId = userId;
      else if (emojiId !== undefined) e.customEmojiId = emojiId;
      else if (argument) e.argument = argument;
      entities.push(e);
    }
    nested.pop();
  }
  if (haveBlockquote) {
    let type: EType = 'BlockQuote';
    let top = nested[nested.length - 1];
    if (top.type === 'Spoiler' && top.byteOffset === n - 2) {
      nested.pop();
      top = nested[nested.length - 1];
      type = 'ExpandableBlockQuote';
    }
    if (top.type === 'BlockQuote') {
      const length = utf16 - top.entityOffset;
      if (length !== 0) entities.push({ type, offset: top.entityOffset, length });
      nested.pop();
    }
  }
  if (nested.length) throw endError(nested[nested.length - 1]);
  return { out: out.subarray(0, rs), entities };
}

// ---- legacy Markdown ------------------------------------------------------------------------

function parseMarkdownLegacy(src: Uint8Array): { out: Uint8Array; entities: Ent[] } {
  const n = src.length;
  const at = (i: number) => (i < n ? src[i] : 0);
  const out: number[] = [];
  const entities: Ent[] = [];
  let utf16 = 0;
  const isMark = (c: number) => c === 0x5f || c === 0x2a || c === BACKTICK || c === 0x5b;
  for (let i = 0; i < n; i++) {
    const c = src[i];
    if (c === 0x5c && isMark(at(i + 1))) {
      i++;
      out.push(src[i]);
      utf16++;
      continue;
    }
    if (!isMark(c)) {
      if (isFirstUnit(c)) utf16 += utf16Units(c);
      out.push(c);
      continue;
    }
    const beginPos = i;
    const endChar = c === 0x5b ? 0x5d : c;
    let isPre = false;
    i++;
    let language = '';
    if (c === BACKTICK && at(i) === BACKTICK && at(i + 1) === BACKTICK) {
      i += 2;
      isPre = true;
      let le = i;
      while (!isSpace(at(le)) && at(le) !== BACKTICK) le++;
      if (i !== le && le < n && at(le) !== BACKTICK) {
        language = dec(src.subarray(i, le));
        i = le;
      }
      if (at(i) === 0x0a || at(i) === 0x0d) {
        if ((at(i + 1) === 0x0a || at(i + 1) === 0x0d) && at(i) !== at(i + 1)) i += 2;
        else i++;
      }
    }
    const entityOffset = utf16;
    while (i < n && (src[i] !== endChar || (isPre && !(at(i + 1) === BACKTICK && at(i + 2) === BACKTICK)))) {
      const cc = src[i];
      if (isFirstUnit(cc)) utf16 += utf16Units(cc);
      out.push(src[i++]);
    }
    if (i === n) throw new MarkupError(`Can't find end of the entity starting at byte offset ${beginPos}`);
    if (entityOffset !== utf16) {
      const length = utf16 - entityOffset;
      if (c === 0x5f) entities.push({ type: 'Italic', offset: entityOffset, length });
      else if (c === 0x2a) entities.push({ type: 'Bold', offset: entityOffset, length });
      else if (c === 0x5b) {
        let url: string;
        if (at(i + 1) !== 0x28) url = dec(src.subarray(beginPos + 1, i));
        else {
          i += 2;
          const u: number[] = [];
          while (i < n && src[i] !== 0x29) u.push(src[i++]);
          url = dec(u);
        }
        const userId = linkUserId(url);
        if (userId !== undefined) entities.push({ type: 'MentionName', offset: entityOffset, length, userId });
        else {
          const checked = checkedLink(url);
          if (checked) entities.push({ type: 'TextUrl', offset: entityOffset, length, argument: checked });
        }
      } else if (isPre) {
        entities.push(language ? { type: 'PreCode', offset: entityOffset, length, argument: language } : { type: 'Pre', offset: entityOffset, length });
      } else entities.push({ type: 'Code', offset: entityOffset, length });
    }
    if (isPre) i += 2;
  }
  return { out: Uint8Array.from(out), entities };
}

// ---- HTML -----------------------------------------------------------------------------------

const HTML_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote',
]);

/** Decodes an HTML character reference at src[pos] ('&'); returns [codePoint, newPos] or undefined. */
function decodeHtmlEntity(src: Uint8Array, pos: number): [number, number] | undefined {
  const n = src.length;
  const at = (i: number) => (i < n ? src[i] : 0);
  let end = pos + 1;
  let res = 0;
  if (at(pos + 1) === 0x23) {
    end++;
    if (at(pos + 2) === 0x78) {
      end++;
      const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
      while (isHex(at(end))) {
        res = res * 16 + parseInt(String.fromCharCode(at(end++)), 16);
        if (res > 0x10ffff) res = 0x110000;
      }
    } else {
      while (at(end) >= 0x30 && at(end) <= 0x39) {
        res = res * 10 + (at(end++) - 0x30);
        if (res > 0x10ffff) res = 0x110000;
      }
    }
    if (res === 0 || res >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    while (isAlpha(at(end))) end++;
    const name = dec(src.subarray(pos + 1, end));
    const map: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    if (!(name in map)) return undefined;
    res = map[name];
  }
  return [res, at(end) === 0x3b ? end + 1 : end];
}

function pushCodePoint(out: number[], cp: number): void {
  // Surrogates are written as WTF-8 so the check after decoding can find them, as TDLib does.
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

interface HtmlNested {
  tag: string;
  argument: string;
  entityOffset: number;
  beginPos: number;
  expandable?: boolean;
}

function parseHtml(src: Uint8Array): { out: Uint8Array; entities: Ent[] } {
  const n = src.length;
  const at = (i: number) => (i < n ? src[i] : 0);
  const out: number[] = [];
  let utf16 = 0;
  let surrogate = false;
  const entities: Ent[] = [];
  const nested: HtmlNested[] = [];
  for (let i = 0; i < n; i++) {
    const c = src[i];
    if (c === 0x26) {
      const d = decodeHtmlEntity(src, i);
      if (d) {
        const [cp, next] = d;
        if (cp >= 0xd800 && cp <= 0xdfff) surrogate = true;
        utf16 += cp > 0xffff ? 2 : 1;
        pushCodePoint(out, cp);
        i = next - 1;
        continue;
      }
    }
    if (c !== 0x3c) {
      if (isFirstUnit(c)) utf16 += utf16Units(c);
      out.push(c);
      continue;
    }
    const begin = i++;
    if (at(i) !== 0x2f) {
      // A start tag.
      while (!isSpace(at(i)) && at(i) !== 0x3e) i++;
      if (at(i) === 0) throw new MarkupError(`Unclosed start tag at byte offset ${begin}`);
      const tag = dec(src.subarray(begin + 1, i)).toLowerCase();
      if (!HTML_TAGS.has(tag)) throw new MarkupError(`Unsupported start tag "${tag}" at byte offset ${begin}`);
      let argument = '';
      let expandable = false;
      let spanClass: string | undefined;
      let emojiId: string | undefined;
      while (at(i) !== 0x3e) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0x3e) break;
        if (at(i) === 0) throw new MarkupError(`Unclosed start tag at byte offset ${begin}`);
        const nameBegin = i;
        while (!isSpace(at(i)) && at(i) !== 0x3d && at(i) !== 0x3e) i++;
        const name = dec(src.subarray(nameBegin, i)).toLowerCase();
        if (name === '') throw new MarkupError(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== 0x3d) {
          if (at(i) === 0) throw new MarkupError(`Unclosed start tag at byte offset ${begin}`);
          if (tag === 'blockquote' && name === 'expandable') expandable = true;
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) throw new MarkupError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
        let value: string;
        if (at(i) !== 0x27 && at(i) !== 0x22) {
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = dec(src.subarray(tokenBegin, i)).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== 0x3e) throw new MarkupError(`Unexpected end of name token at byte offset ${tokenBegin}`);
        } else {
          const endChar = at(i++);
          const v: number[] = [];
          while (at(i) !== endChar && at(i) !== 0) {
            if (at(i) === 0x26) {
              const d = decodeHtmlEntity(src, i);
              if (d) {
                pushCodePoint(v, d[0]);
                i = d[1];
                continue;
              }
            }
            v.push(at(i++));
          }
          if (at(i) === endChar) i++;
          value = dec(v);
        }
        if (at(i) === 0) throw new MarkupError(`Unclosed start tag at byte offset ${begin}`);
        if (tag === 'a' && name === 'href') argument = value;
        else if (tag === 'code' && name === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tag === 'span' && name === 'class') spanClass = value;
        else if (tag === 'tg-emoji' && name === 'emoji-id') emojiId = value;
        else if (tag === 'blockquote' && name === 'expandable') expandable = true;
      }
      if (tag === 'span' && spanClass !== 'tg-spoiler') {
        throw new MarkupError(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      }
      if (tag === 'tg-emoji') {
        if (emojiId === undefined || !/^[1-9][0-9]{0,18}$/.test(emojiId)) {
          throw new MarkupError(`Invalid custom emoji identifier specified`);
        }
        argument = emojiId;
      }
      nested.push({ tag, argument, entityOffset: utf16, beginPos: out.length, expandable });
      continue;
    }
    // An end tag.
    if (nested.length === 0) throw new MarkupError(`Unexpected end tag at byte offset ${begin}`);
    while (!isSpace(at(i)) && at(i) !== 0x3e) i++;
    const endName = dec(src.subarray(begin + 2, i)).toLowerCase();
    while (isSpace(at(i)) && at(i) !== 0) i++;
    if (at(i) !== 0x3e) throw new MarkupError(`Unclosed end tag at byte offset ${begin}`);
    const top = nested[nested.length - 1];
    if (endName !== '' && endName !== top.tag) {
      throw new MarkupError(`Unmatched end tag at byte offset ${begin}, expected "</${top.tag}>", found "</${endName}>"`);
    }
    if (utf16 > top.entityOffset) {
      const offset = top.entityOffset;
      const length = utf16 - offset;
      const last = entities[entities.length - 1];
      switch (top.tag) {
        case 'i':
        case 'em':
          entities.push({ type: 'Italic', offset, length });
          break;
        case 'b':
        case 'strong':
          entities.push({ type: 'Bold', offset, length });
          break;
        case 's':
        case 'strike':
        case 'del':
          entities.push({ type: 'Strikethrough', offset, length });
          break;
        case 'u':
        case 'ins':
          entities.push({ type: 'Underline', offset, length });
          break;
        case 'span':
        case 'tg-spoiler':
          entities.push({ type: 'Spoiler', offset, length });
          break;
        case 'tg-emoji':
          entities.push({ type: 'CustomEmoji', offset, length, customEmojiId: top.argument });
          break;
        case 'blockquote':
          entities.push({ type: top.expandable ? 'ExpandableBlockQuote' : 'BlockQuote', offset, length });
          break;
        case 'a': {
          const url = top.argument || dec(out.slice(top.beginPos));
          const userId = linkUserId(url);
          if (userId !== undefined) entities.push({ type: 'MentionName', offset, length, userId });
          else {
            const checked = checkedLink(url);
            if (checked) entities.push({ type: 'TextUrl', offset, length, argument: checked });
          }
          break;
        }
        case 'pre':
          if (last && last.type === 'Code' && last.offset === offset && last.length === length && last.argument) {
            last.type = 'PreCode';
          } else entities.push({ type: 'Pre', offset, length });
          break;
        case 'code':
          if (last && last.type === 'Pre' && last.offset === offset && last.length === length && top.argument) {
            last.type = 'PreCode';
            last.argument = top.argument;
          } else entities.push({ type: 'Code', offset, length, argument: top.argument });
          break;
      }
    }
    nested.pop();
  }
  if (nested.length) {
    throw new MarkupError(`Can't find end tag corresponding to start tag "${nested[nested.length - 1].tag}"`);
  }
  for (const e of entities) if (e.type === 'Code') delete e.argument;
  if (surrogate) {
    throw new MarkupError(
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    );
  }
  return { out: Uint8Array.from(out), entities };
}

// ---- entry point ----------------------------------------------------------------------------

function toBotApi(e: Ent, resolveUser: (id: number) => BotApiUser | undefined): BotApiMessageEntity | undefined {
  const base = { offset: e.offset, length: e.length };
  switch (e.type) {
    case 'Bold':
      return { type: 'bold', ...base };
    case 'Italic':
      return { type: 'italic', ...base };
    case 'Underline':
      return { type: 'underline', ...base };
    case 'Strikethrough':
      return { type: 'strikethrough', ...base };
    case 'Spoiler':
      return { type: 'spoiler', ...base };
    case 'Code':
      return { type: 'code', ...base };
    case 'Pre':
      return { type: 'pre', ...base };
    case 'PreCode':
      return { type: 'pre', ...base, language: e.argument };
    case 'TextUrl':
      return { type: 'text_link', ...base, url: e.argument };
    case 'MentionName': {
      const user = resolveUser(e.userId!);
      return user ? { type: 'text_mention', ...base, user } : undefined;
    }
    case 'CustomEmoji':
      return { type: 'custom_emoji', ...base, custom_emoji_id: e.customEmojiId };
    case 'BlockQuote':
      return { type: 'blockquote', ...base };
    case 'ExpandableBlockQuote':
      return { type: 'expandable_blockquote', ...base };
  }
}

/**
 * Parses text in a parse_mode. Returns the plain text and its formatting entities (sorted), or
 * throws MarkupError with TDLib's message. `resolveUser` turns tg://user?id= links into
 * text_mention users (links to unknown users are dropped).
 */
export function parseMarkup(
  text: string,
  mode: ParseMode,
  resolveUser: (id: number) => BotApiUser | undefined = () => undefined,
): { text: string; entities: BotApiMessageEntity[] } {
  const src = Buffer.from(text, 'utf8');
  const r = mode === 'HTML' ? parseHtml(src) : mode === 'MarkdownV2' ? parseMarkdownV2(src) : parseMarkdownLegacy(src);
  const entities: BotApiMessageEntity[] = [];
  for (const e of r.entities) {
    const b = toBotApi(e, resolveUser);
    if (b) entities.push(b);
  }
  return { text: dec(r.out), entities: sortFormatted(entities) };
}

/** parse_mode as given (case-insensitive, as Telegram accepts it), or undefined when unknown. */
export function parseModeOf(value: string): ParseMode | undefined {
  switch (value.toLowerCase()) {
    case 'html':
      return 'HTML';
    case 'markdownv2':
      return 'MarkdownV2';
    case 'markdown':
      return 'Markdown';
    default:
      return undefined;
  }
}
