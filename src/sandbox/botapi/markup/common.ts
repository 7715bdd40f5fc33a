// What the sandbox's parse_mode parsers share: the error, the entity shapes, byte helpers and
// TDLib's link checks. Offsets are over UTF-8 bytes while parsing, UTF-16 units in the answer.

import type { BotApiMessageEntity } from '../../world/botapi-types.js';

export class MarkupError extends Error {
  override name = 'MarkupError';
}

export type ParseMode = 'HTML' | 'MarkdownV2' | 'Markdown';

export type EType =
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

export interface Ent {
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

export const SP = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0]);
export const isSpace = (c: number): boolean => SP.has(c);
export const isFirstUnit = (c: number): boolean => (c & 0xc0) !== 0x80;
export const utf16Units = (c: number): number => 1 + (c >= 0xf0 ? 1 : 0);
export const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
export const dec = (bytes: number[] | Uint8Array): string => Buffer.from(bytes as Uint8Array).toString('utf8');

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
export function customEmojiId(url: string): string {
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

/** The backtick, which opens code in both Markdown flavours. */
export const BACKTICK = 0x60;
