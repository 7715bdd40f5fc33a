// The line being edited: text and a cursor (a UTF-16 index that always sits on a grapheme
// boundary, so an emoji or a letter with a combining accent moves and deletes as one). Pure.

export interface EditLine {
  readonly text: string;
  readonly cursor: number;
}

export const EMPTY_LINE: EditLine = { text: '', cursor: 0 };

let segmenter: Intl.Segmenter | undefined;
const graphemes = (s: string): Intl.Segments => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(s);
/** Graphemes are short; looking this far around the cursor is enough and keeps long lines cheap. */
const WINDOW = 64;

export function prevBoundary(text: string, cursor: number): number {
  if (cursor <= 0) return 0;
  const from = Math.max(0, cursor - WINDOW);
  let last = from;
  for (const s of graphemes(text.slice(from, cursor))) last = from + s.index;
  return last;
}

export function nextBoundary(text: string, cursor: number): number {
  if (cursor >= text.length) return text.length;
  const first = graphemes(text.slice(cursor, cursor + WINDOW))[Symbol.iterator]().next();
  return first.done ? text.length : cursor + first.value.segment.length;
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && !/\s/.test(c);

function wordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !isWordChar(text[i - 1])) i--;
  while (i > 0 && isWordChar(text[i - 1])) i--;
  return i;
}

function wordEndAfter(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && !isWordChar(text[i])) i++;
  while (i < text.length && isWordChar(text[i])) i++;
  return i;
}

export function insert(l: EditLine, s: string): EditLine {
  return { text: l.text.slice(0, l.cursor) + s + l.text.slice(l.cursor), cursor: l.cursor + s.length };
}

export function replaceRange(l: EditLine, from: number, to: number, s: string): EditLine {
  return { text: l.text.slice(0, from) + s + l.text.slice(to), cursor: from + s.length };
}

export type EditAction =
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'word-left'
  | 'word-right'
  | 'backspace'
  | 'delete'
  | 'kill-start'
  | 'kill-end'
  | 'kill-word'
  | 'kill-word-forward';

export function edit(l: EditLine, action: EditAction): EditLine {
  const { text, cursor } = l;
  switch (action) {
    case 'left':
      return { text, cursor: prevBoundary(text, cursor) };
    case 'right':
      return { text, cursor: nextBoundary(text, cursor) };
    case 'home':
      return { text, cursor: 0 };
    case 'end':
      return { text, cursor: text.length };
    case 'word-left':
      return { text, cursor: wordStartBefore(text, cursor) };
    case 'word-right':
      return { text, cursor: wordEndAfter(text, cursor) };
    case 'backspace':
      return replaceRange(l, prevBoundary(text, cursor), cursor, '');
    case 'delete':
      return replaceRange(l, cursor, nextBoundary(text, cursor), '');
    case 'kill-start':
      return replaceRange(l, 0, cursor, '');
    case 'kill-end':
      return replaceRange(l, cursor, text.length, '');
    case 'kill-word':
      return replaceRange(l, wordStartBefore(text, cursor), cursor, '');
    case 'kill-word-forward':
      return replaceRange(l, cursor, wordEndAfter(text, cursor), '');
  }
}
