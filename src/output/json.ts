// JSON as telegram-cli printed it (jansson): `{"key": value, "key2": value}` on one line, UTF-8.
// Keys keep insertion order; undefined members are left out; strings are escaped by JSON.stringify,
// so no input (newlines, control bytes, lone surrogates) can break a line.

import type { JsonValue } from '../commands/result.js';

export function toJson(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (Array.isArray(value)) return '[' + value.map((v) => toJson(v)).join(', ') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    parts.push(JSON.stringify(k) + ': ' + toJson(v));
  }
  return '{' + parts.join(', ') + '}';
}
