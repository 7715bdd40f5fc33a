// A schema-driven TL codec, used to translate between layers: read bytes with one layer's schema
// into plain values ({ _: 'user', id: 1n, first_name: <bytes> ... }), write them with another's,
// by constructor name. Flags are recomputed; a field the target layer requires and the source did
// not have gets a neutral default (0, empty, false, [], or the type's simplest constructor);
// fields the target does not know are dropped.

import { CTOR, TlReader, TlWriter } from '../tl.js';
import type { TlCombinator, TlSchema } from './schema.js';

export type TlValue = number | bigint | boolean | Buffer | TlValue[] | TlObject | undefined;
export interface TlObject {
  _: string;
  [field: string]: TlValue | string;
}

export class TranscodeError extends Error {}

const PRIMITIVES = new Set(['int', 'long', 'double', 'string', 'bytes', 'int128', 'int256', 'true', 'Bool', '#']);

function vectorOf(type: string): string | undefined {
  const m = /^Vector<(.+)>$/.exec(type);
  return m ? m[1] : undefined;
}

/** A bare type (lower-case combinator name, e.g. `dataJSON` written without its id). */
function bareCombinator(schema: TlSchema, type: string): TlCombinator | undefined {
  const last = type.slice(type.lastIndexOf('.') + 1);
  if (last[0] && last[0] === last[0].toLowerCase() && !PRIMITIVES.has(type)) return schema.byName.get(type);
  return undefined;
}

export function readValue(schema: TlSchema, r: TlReader, type: string): TlValue {
  switch (type) {
    case 'int':
      return r.int32();
    case 'long':
      return r.int64();
    case 'double': {
      const v = r.raw(8).readDoubleLE(0);
      return v;
    }
    case 'string':
    case 'bytes':
      return Buffer.from(r.bytes());
    case 'int128':
      return Buffer.from(r.raw(16));
    case 'int256':
      return Buffer.from(r.raw(32));
    case '#':
      return r.uint32();
    case 'Bool': {
      const id = r.uint32();
      if (id === CTOR.boolTrue) return true;
      if (id === CTOR.boolFalse) return false;
      throw new TranscodeError(`expected a Bool, got constructor ${id.toString(16)}`);
    }
  }
  const item = vectorOf(type);
  if (item !== undefined) {
    if (r.uint32() !== CTOR.vector) throw new TranscodeError('expected a vector');
    const n = r.int32();
    if (n < 0 || n > r.buf.length) throw new TranscodeError('bad vector length');
    const out: TlValue[] = [];
    for (let i = 0; i < n; i++) out.push(readValue(schema, r, item));
    return out;
  }
  const bare = bareCombinator(schema, type);
  if (bare) return readFields(schema, r, bare);
  const id = r.uint32();
  if (id === CTOR.vector) throw new TranscodeError(`a vector where ${type} was expected`);
  const c = schema.byId.get(id);
  if (!c) throw new TranscodeError(`constructor ${id.toString(16)} is not in layer ${schema.layer}`);
  return readFields(schema, r, c);
}

function readFields(schema: TlSchema, r: TlReader, c: TlCombinator): TlObject {
  const o: TlObject = { _: c.name };
  const flags = new Map<string, number>();
  for (const p of c.params) {
    if (p.flag) {
      const word = flags.get(p.flag.field) ?? 0;
      if (!(word & (1 << p.flag.bit))) continue;
      if (p.type === 'true') {
        o[p.name] = true;
        continue;
      }
    }
    const v = readValue(schema, r, p.type);
    if (p.type === '#') flags.set(p.name, v as number);
    else o[p.name] = v;
  }
  return o;
}

export function writeValue(schema: TlSchema, w: TlWriter, type: string, v: TlValue, depth = 0): void {
  if (depth > 64) throw new TranscodeError('value nested too deep');
  switch (type) {
    case 'int':
      w.int32(Number(v ?? 0));
      return;
    case 'long':
      w.int64(typeof v === 'bigint' ? v : BigInt(Number(v ?? 0)));
      return;
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(Number(v ?? 0), 0);
      w.raw(b);
      return;
    }
    case 'string':
    case 'bytes':
      w.bytes(Buffer.isBuffer(v) ? v : Buffer.from(v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)));
      return;
    case 'int128':
    case 'int256': {
      const n = type === 'int128' ? 16 : 32;
      w.raw(Buffer.isBuffer(v) && v.length === n ? v : Buffer.alloc(n));
      return;
    }
    case 'Bool':
      w.uint32(v === true ? CTOR.boolTrue : CTOR.boolFalse);
      return;
  }
  const item = vectorOf(type);
  if (item !== undefined) {
    const list = Array.isArray(v) ? v : [];
    w.uint32(CTOR.vector).int32(list.length);
    for (const x of list) writeValue(schema, w, item, x, depth + 1);
    return;
  }
  const bare = bareCombinator(schema, type);
  if (bare) {
    writeFields(schema, w, bare, (v as TlObject | undefined) ?? { _: bare.name }, depth);
    return;
  }
  let obj = v as TlObject | undefined;
  let c = obj ? schema.byName.get(obj._) : undefined;
  if (!c) {
    if (obj) throw new TranscodeError(`${obj._} is not in layer ${schema.layer}`);
    // A boxed field the source layer did not have: the simplest constructor of its type.
    c = simplest(schema, type);
    obj = { _: c.name };
  }
  w.uint32(c.id);
  writeFields(schema, w, c, obj!, depth);
}

function writeFields(schema: TlSchema, w: TlWriter, c: TlCombinator, o: TlObject, depth: number): void {
  // Flags first: a flagged field is present when the value has it (true for `true` flags).
  const flags = new Map<string, number>();
  for (const p of c.params) {
    if (!p.flag) continue;
    const v = o[p.name];
    const present = p.type === 'true' ? v === true : v !== undefined && v !== false;
    if (present || (p.type === 'Bool' && v === false)) flags.set(p.flag.field, (flags.get(p.flag.field) ?? 0) | (1 << p.flag.bit));
  }
  for (const p of c.params) {
    if (p.type === '#') {
      w.uint32(flags.get(p.name) ?? 0);
      continue;
    }
    if (p.flag) {
      if (!((flags.get(p.flag.field) ?? 0) & (1 << p.flag.bit)) || p.type === 'true') continue;
    }
    writeValue(schema, w, p.type, o[p.name] as TlValue, depth + 1);
  }
}

/** The constructor of a type with the fewest required fields (an *Empty one when there is). */
function simplest(schema: TlSchema, type: string): TlCombinator {
  const list = schema.byType.get(type);
  if (!list?.length) throw new TranscodeError(`no constructor of ${type} in layer ${schema.layer}`);
  const required = (c: TlCombinator) => c.params.filter((p) => !p.flag && p.type !== '#').length;
  return [...list].sort((a, b) => required(a) - required(b) || Number(b.name.endsWith('Empty')) - Number(a.name.endsWith('Empty')))[0];
}

/** Reads `bytes` (one value of `type`) with `from`'s schema and writes it with `to`'s. */
export function transcode(bytes: Buffer, type: string, from: TlSchema, to: TlSchema): Buffer {
  const r = new TlReader(bytes);
  const v = readValue(from, r, type);
  const w = new TlWriter();
  writeValue(to, w, type, v);
  // A request may carry bytes after the object (none should): keep them.
  if (r.offset < bytes.length) w.raw(bytes.subarray(r.offset));
  return w.result();
}
