// JSON as telegram-cli printed it (jansson): `{"key": value, "key2": value}` on one line, UTF-8.
// Keys keep insertion order; undefined members are left out; strings are escaped by JSON.stringify,
// so no input (newlines, control bytes, lone surrogates) can break a line.

import type { JsonValue } from '../core/json.js';

/** JSON.stringify's string, with DEL, C1 controls and U+2028/2029 escaped too (terminals and line splitters). */
function jsonString(s: string): string {
  const j = JSON.stringify(s);
  return /[\u007f-\u009f\u2028\u2029]/.test(j) ? j.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : j;
}

export function toJson(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (Array.isArray(value)) return '[' + value.map((v) => toJson(v)).join(', ') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    parts.push(jsonString(k) + ': ' + toJson(v));
  }
  return '{' + parts.join(', ') + '}';
}
