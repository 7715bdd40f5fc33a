// MarkdownV2, as TDLib parses it (nesting, reserved characters that must be escaped, error texts).

import { MarkupError, isSpace, isFirstUnit, utf16Units, dec, linkUserId, checkedLink, customEmojiId, type EType, type Ent, BACKTICK } from './common.js';



const MDV2_RESERVED = new Set([...'_*[]()~`>#+-=|{}.!\n'].map((c) => c.charCodeAt(0)));


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

export function parseMarkdownV2(src: Uint8Array): { out: Uint8Array; entities: Ent[] } {
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
      nested.push({ type: type, argument, entityOffset: utf16, byteOffset, beginPos: rs });
      continue;
    }

    // The end of an entity.
    let type = top.type;
    if (c === 0x0a && type !== 'BlockQuote') {
      if (type !== 'Spoiler' || !(top.byteOffset === i - 2 || (top.byteOffset === i - 3 && rs !== 0 && out[rs - 1] === 0x0d))) {
        throw endError(top);
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
