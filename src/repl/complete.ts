// Tab completion. Pure apart from the sources it is given: command names at the start of the
// line, then what the command's argument spec says is due (peers, file names, --options).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgKind, CommandRegistry, CommandSpec } from '../commands/types.js';

export interface CompletionSources {
  registry: CommandRegistry;
  /** Peers starting with the typed prefix (usernames, print names). */
  peers(prefix: string): readonly string[];
  /** File names starting with the typed prefix; folders end in '/'. */
  files(prefix: string): readonly string[];
}

export interface Completion {
  /** The line after completion (unchanged when there is nothing to add). */
  text: string;
  cursor: number;
  /** Several matches: what to show under the prompt. */
  candidates?: string[];
}

interface Word {
  /** The word's value so far (quotes and escapes removed). */
  value: string;
  /** Where the word starts in the line. */
  start: number;
  /** The word began with a quote. */
  quote?: '"' | "'";
}

/** Splits the text before the cursor into finished tokens and the word being typed. */
export function wordsBefore(text: string): { tokens: string[]; word: Word } | undefined {
  const tokens: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    const start = i;
    let value = '';
    let quote: '"' | "'" | undefined;
    if (text[i] === '"' || text[i] === "'") {
      quote = text[i] as '"' | "'";
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i];
        if (c === quote) {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      if (!closed) return { tokens, word: { value, start, quote } };
    }
    while (i < text.length && !/\s/.test(text[i])) value += text[i++];
    if (i >= text.length) return { tokens, word: { value, start, quote } };
    tokens.push(value);
  }
}

type Due = { kind: 'command' } | { kind: 'arg'; arg: ArgKind } | { kind: 'option'; spec: CommandSpec } | { kind: 'none' };

/** What the word being typed should be, from the tokens before it. */
export function dueAt(tokens: string[], word: string, registry: CommandRegistry): Due {
  let t = 0;
  while (t < tokens.length && tokens[t].startsWith('[')) t++; // modifiers
  if (t >= tokens.length) return word.startsWith('[') ? { kind: 'none' } : { kind: 'command' };
  const spec = registry.find(tokens[t]);
  if (!spec) return { kind: 'none' };
  const rest = tokens.slice(t + 1);
  // `help <command>` takes a command name.
  if (spec.name === 'help') return rest.length === 0 ? { kind: 'command' } : { kind: 'none' };
  let pos = 0;
  for (let k = 0; k < rest.length; k++) {
    const tok = rest[k];
    if (tok.startsWith('--') && tok.length > 2) {
      const opt = spec.options?.find((o) => o.name === tok.slice(2));
      if (opt?.value) {
        if (k === rest.length - 1) return opt.value === 'file_name' ? { kind: 'arg', arg: 'file_name' } : { kind: 'none' };
        k++;
      }
      continue;
    }
    pos++;
  }
  if (word.startsWith('--')) return spec.options?.length ? { kind: 'option', spec } : { kind: 'none' };
  let i = 0;
  for (const a of spec.args) {
    if (a.kind === 'string_end') return { kind: 'none' };
    if (a.repeat || i === pos) return { kind: 'arg', arg: a.kind };
    i++;
  }
  return { kind: 'none' };
}

const PEER_KINDS: ReadonlySet<ArgKind> = new Set(['peer', 'user', 'chat', 'channel', 'username']);

export function complete(text: string, cursor: number, src: CompletionSources): Completion {
  const unchanged: Completion = { text, cursor };
  const parsed = wordsBefore(text.slice(0, cursor));
  if (!parsed) return unchanged;
  const { tokens, word } = parsed;
  const due = dueAt(tokens, word.value, src.registry);
  let candidates: readonly string[] = [];
  let isFile = false;
  switch (due.kind) {
    case 'command':
      candidates = [...new Set(src.registry.names())].filter((n) => n.startsWith(word.value)).sort();
      break;
    case 'option':
      candidates = (due.spec.options ?? []).map((o) => `--${o.name}`).filter((n) => n.startsWith(word.value));
      break;
    case 'arg':
      if (PEER_KINDS.has(due.arg)) candidates = src.peers(word.value);
      else if (due.arg === 'file_name') {
        candidates = src.files(word.value);
        isFile = true;
      }
      break;
    case 'none':
      break;
  }
  candidates = [...new Set(candidates)];
  if (candidates.length === 0) return unchanged;

  const replace = (value: string, finished: boolean): Completion => {
    const written = quoteWord(value, word.quote, finished);
    const suffix = finished && text[cursor] !== ' ' ? ' ' : '';
    const before = text.slice(0, word.start) + written + suffix;
    return { text: before + text.slice(cursor), cursor: before.length };
  };
  if (candidates.length === 1) {
    const only = candidates[0];
    return replace(only, !(isFile && only.endsWith('/')));
  }
  const common = commonPrefix(candidates);
  const shown = isFile ? candidates.map(baseName) : [...candidates];
  if (common.length > word.value.length && common.startsWith(word.value)) return { ...replace(common, false), candidates: shown };
  return { ...unchanged, candidates: shown };
}

function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function commonPrefix(xs: readonly string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0];
  for (const x of xs) {
    let i = 0;
    while (i < p.length && i < x.length && p[i] === x[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}

/** Writes a word back the way the lexer will read it: quoted when it holds spaces or quotes. */
function quoteWord(value: string, quote: '"' | "'" | undefined, finished: boolean): string {
  const needs = quote !== undefined || /[\s"'\\]/.test(value);
  if (!needs) return value;
  const q = quote ?? '"';
  const body = value.replace(/\\/g, '\\\\').replace(q === '"' ? /"/g : /'/g, `\\${q}`);
  return q + body + (finished ? q : '');
}

/** File names under the folder part of `prefix` (relative to `cwd`); hidden files only for '.x'. */
export function listFiles(prefix: string, cwd = process.cwd(), limit = 500): string[] {
  const slash = prefix.lastIndexOf('/');
  const dirPart = slash >= 0 ? prefix.slice(0, slash + 1) : '';
  const base = prefix.slice(slash + 1);
  const dir = dirPart === '' ? cwd : dirPart.startsWith('/') ? dirPart : join(cwd, dirPart);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!e.name.startsWith(base)) continue;
    if (e.name.startsWith('.') && !base.startsWith('.')) continue;
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      try {
        isDir = statSync(join(dir, e.name)).isDirectory();
      } catch {
        // a dangling link is listed as a file
      }
    }
    out.push(dirPart + e.name + (isDir ? '/' : ''));
    if (out.length >= limit) break;
  }
  return out.sort();
}
