// Ctrl-R: reverse incremental search of the history, as in bash. Pure: the state and how a key
// changes it; the controller shows it as the prompt `(reverse-i-search)'query': match`.

import type { EditLine } from './editor.js';

export interface HistorySearch {
  query: string;
  /** Index in the history of the line found; undefined when nothing matches (yet). */
  at?: number;
  /** The line being edited when the search began (put back when it is cancelled). */
  saved: EditLine;
}

/** The newest history line at or before `from` that contains `query`. */
export function findBack(lines: readonly string[], query: string, from: number = lines.length - 1): number | undefined {
  for (let i = Math.min(from, lines.length - 1); i >= 0; i--) if (lines[i].includes(query)) return i;
  return undefined;
}

export function startSearch(saved: EditLine): HistorySearch {
  return { query: '', saved };
}

/** The query changed (typed or erased): search again from the newest line. */
export function withQuery(s: HistorySearch, lines: readonly string[], query: string): HistorySearch {
  return { ...s, query, at: query === '' ? undefined : findBack(lines, query) };
}

/** Ctrl-R again: the next older match (the same one when there is none). */
export function searchOlder(s: HistorySearch, lines: readonly string[]): HistorySearch {
  if (s.query === '' || s.at === undefined) return s;
  const next = findBack(lines, s.query, s.at - 1);
  return next === undefined ? s : { ...s, at: next };
}

/** The line the search leaves in the editor: the match (cursor at its end), or the saved line. */
export function searchResult(s: HistorySearch, lines: readonly string[]): EditLine {
  if (s.at === undefined) return s.saved;
  const text = lines[s.at];
  return { text, cursor: text.length };
}

/** The prompt and line shown while searching (cursor on the query's place in the match). */
export function searchView(s: HistorySearch, lines: readonly string[]): { prompt: string; line: EditLine } {
  const failed = s.query !== '' && s.at === undefined;
  const prompt = `(${failed ? 'failed ' : ''}reverse-i-search)'${s.query}': `;
  if (s.at === undefined) return { prompt, line: { text: '', cursor: 0 } };
  const text = lines[s.at];
  return { prompt, line: { text, cursor: Math.max(0, text.indexOf(s.query)) } };
}
