// Legacy Markdown, as TDLib parses it.

import { MarkupError, isSpace, isFirstUnit, utf16Units, dec, linkUserId, checkedLink, type Ent, BACKTICK } from './common.js';



export function parseMarkdownLegacy(src: Uint8Array): { out: Uint8Array; entities: Ent[] } {
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
