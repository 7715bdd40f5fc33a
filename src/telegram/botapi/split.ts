// Long texts into parts Telegram accepts (4096 characters after entity parsing), in order.
//
// The rule: each part is as long as it may be; it ends at the last paragraph break (blank line)
// that fits, else the last line break, else the last space, else (one unbroken word) at the limit,
// never between the two halves of a surrogate pair. The separator itself is dropped (Telegram
// trims each message anyway).
//
// With [html] or [markdown] (MarkdownV2) a part may only end where no markup is open: outside
// every tag, entity, escape, code block, link and bold/italic/... span. Lengths are counted as
// Telegram counts them, after the markup is taken away (tags, `&amp;` as one, `\.` as one). A
// formatted span longer than the limit can not be split without breaking it: that text is refused
// (and so is markup that does not close, or MarkdownV2 with an unescaped reserved character, when
// the text needs splitting: a later part would be refused after earlier ones went out).

import type { ParseMode } from './send.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/**
 * At most this many messages from one msg or send_text (about 80,000 characters) unless [force]:
 * as with [xN]'s cap, a slip (a log pasted whole, the wrong file) must not flood a chat.
 */
export const MAX_PARTS = 20;

export type SplitResult = { ok: true; parts: string[] } | { ok: false; error: string };

/** Where a text may be cut and how much of it Telegram will count, position by position. */
interface Scan {
  /** safe[i]: a cut before index i leaves no markup open (i in 0..n). */
  safe: Uint8Array;
  /** vis[i]: characters Telegram counts in text[0, i). */
  vis: Float64Array;
  /** The first problem found in the markup, if any. */
  problem?: string;
}

export function splitText(text: string, mode?: ParseMode, limit = TEXT_LIMIT): SplitResult {
  const scan = mode === 'HTML' ? scanHtml(text) : mode === 'MarkdownV2' ? scanMarkdown(text) : scanPlain(text);
  const n = text.length;
  if (scan.vis[n] <= limit) return { ok: true, parts: text.trim() === '' ? [] : [text] };
  const what = mode === 'HTML' ? '[html]' : '[markdown]';
  if (scan.problem) return { ok: false, error: `the ${what} text is longer than ${limit} characters and must be split, but its markup is not valid: ${scan.problem}` };

  const parts: string[] = [];
  let s = skipSpace(text, 0, scan);
  while (s < n) {
    // The furthest end e with at most `limit` counted characters in [s, e).
    let e: number;
    const budget = scan.vis[s] + limit;
    if (scan.vis[n] <= budget) e = n;
    else {
      let lo = s;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (scan.vis[mid] <= budget) lo = mid;
        else hi = mid - 1;
      }
      e = lo;
    }
    if (e >= n) {
      const last = text.slice(s).trimEnd();
      if (last !== '') parts.push(last);
      break;
    }
    const cut = bestCut(text, s, e, scan);
    if (cut === undefined) {
      const at = text.slice(s, s + 40).replace(/\s+/g, ' ');
      return {
        ok: false,
        error: mode
          ? `a ${what} formatted span starting near '${at}...' is longer than ${limit} characters and can not be split without breaking its markup`
          : `can not split the text near '${at}...'`,
      };
    }
    const part = text.slice(s, cut).trimEnd();
    if (part !== '') parts.push(part);
    s = skipSpace(text, cut, scan);
  }
  return { ok: true, parts };
}

/** The best cut in (s, e]: paragraph break, line break, space, else any safe position. */
function bestCut(text: string, s: number, e: number, scan: Scan): number | undefined {
  const ok = (i: number): boolean => i > s && scan.safe[i] === 1;
  for (let i = e; i > s; i--) if (text[i] === '\n' && text[i - 1] === '\n' && ok(i - 1)) return i - 1;
  for (let i = e; i > s; i--) if (text[i] === '\n' && ok(i)) return i;
  for (let i = e; i > s; i--) if ((text[i] === ' ' || text[i] === '\t') && ok(i)) return i;
  for (let i = e; i > s; i--) if (ok(i)) return i;
  return undefined;
}

/** Past the whitespace at i (only while cuts stay safe). */
function skipSpace(text: string, i: number, scan: Scan): number {
  let j = i;
  while (j < text.length && /\s/.test(text[j]) && scan.safe[j + 1] === 1) j++;
  return j;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function scanPlain(text: string): Scan {
  const n = text.length;
  const safe = new Uint8Array(n + 1);
  const vis = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    vis[i] = i;
    safe[i] = i === n || !isLowSurrogate(text.charCodeAt(i)) ? 1 : 0;
  }
  return { safe, vis };
}

const HTML_TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*)\s*>/;
const HTML_ENTITY = /^&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/;

function scanHtml(text: string): Scan {
  const n = text.length;
  const safe = new Uint8Array(n + 1);
  const vis = new Float64Array(n + 1);
  const open: string[] = [];
  let problem: string | undefined;
  let count = 0;
  let i = 0;
  const mark = (at: number): void => {
    vis[at] = count;
    safe[at] = open.length === 0 && (at === n || !isLowSurrogate(text.charCodeAt(at))) ? 1 : 0;
  };
  mark(0);
  while (i < n) {
    const c = text[i];
    let len = 1;
    let counted = 1;
    if (c === '<') {
      const m = HTML_TAG.exec(text.slice(i, i + 1024));
      if (m) {
        len = m[0].length;
        counted = 0;
        const name = m[2].toLowerCase();
        if (m[1]) {
          if (open[open.length - 1] === name) open.pop();
          else problem ??= `</${name}> does not close an open tag at character ${i + 1}`;
        } else open.push(name);
      } else problem ??= `'<' at character ${i + 1} starts no tag (write &lt;)`;
    } else if (c === '&') {
      const m = HTML_ENTITY.exec(text.slice(i, i + 12));
      if (m) len = m[0].length;
    }
    for (let j = i + 1; j < i + len; j++) {
      vis[j] = count;
      safe[j] = 0;
    }
    count += counted;
    i += len;
    mark(i);
  }
  if (open.length > 0) problem ??= `<${open[open.length - 1]}> is never closed`;
  return { safe, vis, problem };
}

const MD_RESERVED = new Set(['_', '*', '[', ']', '(', ')', '~', '`', '>', '#', '+', '-', '=', '|', '{', '}', '.', '!']);

function scanMarkdown(text: string): Scan {
  const n = text.length;
  const safe = new Uint8Array(n + 1);
  const vis = new Float64Array(n + 1);
  const toggles = new Set<string>();
  let links = 0;
  let code = false;
  let pre = false;
  let url = false;
  let expandable = false;
  let problem: string | undefined;
  let count = 0;
  let i = 0;
  const closed = (): boolean => toggles.size === 0 && links === 0 && !code && !pre && !url && !expandable;
  const mark = (at: number): void => {
    vis[at] = count;
    safe[at] = closed() && (at === n || !isLowSurrogate(text.charCodeAt(at))) ? 1 : 0;
  };
  const toggle = (t: string): void => {
    if (toggles.has(t)) toggles.delete(t);
    else toggles.add(t);
  };
  mark(0);
  while (i < n) {
    const c = text[i];
    const lineStart = i === 0 || text[i - 1] === '\n';
    let len = 1;
    let counted = 0;
    if (c === '\\' && i + 1 < n) {
      len = 2;
      counted = 1;
    } else if (pre) {
      if (text.startsWith('```', i)) {
        pre = false;
        len = 3;
      } else counted = 1;
    } else if (code) {
      if (c === '`') code = false;
      else counted = 1;
    } else if (url) {
      if (c === ')') url = false;
    } else if (text.startsWith('```', i)) {
      pre = true;
      len = 3;
      // The language name up to the line break is not text.
      const lang = /^[A-Za-z0-9_+-]*\n/.exec(text.slice(i + 3, i + 40));
      if (lang) len += lang[0].length;
    } else if (c === '`') code = true;
    else if (lineStart && text.startsWith('**>', i)) {
      expandable = true;
      len = 3;
    } else if (lineStart && c === '>') {
      // a quotation line
    } else if (c === '*') toggle('*');
    else if (text.startsWith('__', i)) {
      toggle('__');
      len = 2;
    } else if (c === '_') toggle('_');
    else if (c === '~') toggle('~');
    else if (text.startsWith('||', i)) {
      len = 2;
      const endOfLine = i + 2 >= n || text[i + 2] === '\n';
      if (expandable && endOfLine && !toggles.has('||')) expandable = false;
      else toggle('||');
    } else if (c === '!' && text[i + 1] === '[') {
      links++;
      len = 2;
    } else if (c === '[') links++;
    else if (c === ']') {
      if (links > 0 && text[i + 1] === '(') {
        links--;
        url = true;
        len = 2;
      } else {
        problem ??= `']' at character ${i + 1} must be escaped as '\\]'`;
        counted = 1;
      }
    } else if (MD_RESERVED.has(c)) {
      problem ??= `'${c}' at character ${i + 1} must be escaped as '\\${c}'`;
      counted = 1;
    } else counted = 1;
    if (c === '\n' && expandable && !text.startsWith('>', i + 1)) expandable = false;
    for (let j = i + 1; j < i + len && j < n; j++) {
      vis[j] = count;
      safe[j] = 0;
    }
    count += counted;
    i = Math.min(n, i + len);
    mark(i);
  }
  if (!closed() && !expandable) problem ??= 'some markup is never closed';
  return { safe, vis, problem };
}
