// HTML parse_mode, as TDLib parses it (its tags, entities and error texts).

import { MarkupError, isSpace, isFirstUnit, utf16Units, isAlnum, dec, linkUserId, checkedLink, type Ent } from './common.js';



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

export function parseHtml(src: Uint8Array): { out: Uint8Array; entities: Ent[] } {
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
