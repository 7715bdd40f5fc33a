// parse_mode for the sandbox Bot API: HTML, MarkdownV2 and legacy Markdown, parsed the way the
// Telegram Bot API server (TDLib) parses them, over UTF-8 bytes, with its error texts and byte
// offsets ("Can't find end of Bold entity at byte offset 15"). The server prefixes errors with
// "Bad Request: can't parse entities: ". Entity offsets are UTF-16 code units, as in the Bot API.
// One parser per file in markup/; this is the entry point.

import type { BotApiMessageEntity, BotApiUser } from '../world/botapi-types.js';
import { dec, sortFormatted, type Ent, type ParseMode } from './markup/common.js';
import { parseHtml } from './markup/html.js';
import { parseMarkdownLegacy } from './markup/markdown.js';
import { parseMarkdownV2 } from './markup/markdown-v2.js';

export { MarkupError, checkedLink, linkUserId, sortFormatted, type ParseMode } from './markup/common.js';

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
