// JSON as tgsh reads and writes it: the value type, the object test, and reading a JSON file
// with one line that says what is wrong (never quoting the file: it may hold secrets).

import { readFileSync } from 'node:fs';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type JsonFileRead = { ok: true; value: unknown; text: string } | { ok: false; problem: string };

/**
 * Reads and parses a JSON file. A failure is one line without the file's name or content:
 * `cannot read it (no such file)`, `not valid JSON at line 3, column 14`.
 */
export function readJsonFile(path: string): JsonFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: `cannot read it (${readProblem(e as NodeJS.ErrnoException)})` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch {
    return { ok: false, problem: jsonSyntaxProblem(text) };
  }
}

/** A JSON object file's content, or undefined when it is missing, unreadable, not JSON or not an object (for cheap looks). */
export function readJsonObject(path: string): Record<string, unknown> | undefined {
  const r = readJsonFile(path);
  return r.ok && isObject(r.value) ? r.value : undefined;
}

/** Why a file could not be read, in words (`no such file`, `permission denied`). */
export function readProblem(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return e.code ?? e.message;
  }
}

/**
 * Says why a text is not JSON without quoting any of it: `not valid JSON at line 3, column 14`, or
 * `not valid JSON: it ends too early`.
 */
export function jsonSyntaxProblem(text: string): string {
  const at = jsonErrorOffset(text);
  if (at === undefined) return 'not valid JSON';
  if (at >= text.length) return 'not valid JSON: it ends too early';
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return `not valid JSON at line ${line}, column ${column}`;
}

/** The offset of the first character where `text` stops being JSON (its length when it ends early); undefined when it is JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  class Stop extends Error {
    constructor(readonly at: number) {
      super('not JSON');
    }
  }
  const fail = (): never => {
    throw new Stop(i);
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= n) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail();
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        for (const ch of word) {
          if (text[i] !== ch) fail();
          i++;
        }
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    ws();
    if (i < n) fail();
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return e.at;
    return undefined; // nested too deep to follow: say only that it is not JSON
  }
}
