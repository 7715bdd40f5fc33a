// TL schemas of the API layers the data centre speaks: GramJS's own (the TL text it ships) and the
// newer one @mtcute/tl ships as JSON. Both become one shape: combinators by id and by name, each
// parameter with its type and, for optional ones, the flags field and bit. Loaded on first use.

import { createRequire } from 'node:module';
import gramjsApiTl from 'telegram/tl/apiTl.js';
import { LAYER as GRAMJS_LAYER } from 'telegram/tl/AllTLObjects.js';

export interface TlParam {
  name: string;
  /** int, long, double, string, bytes, int128, int256, true, Bool, #, Vector<T>, !X, or a type name. */
  type: string;
  flag?: { field: string; bit: number };
}

export interface TlCombinator {
  name: string;
  id: number;
  /** The boxed type it builds (for a method: its result type). */
  type: string;
  params: TlParam[];
  method: boolean;
}

export interface TlSchema {
  layer: number;
  byId: Map<number, TlCombinator>;
  byName: Map<string, TlCombinator>;
  /** Constructors (not methods) of each boxed type. */
  byType: Map<string, TlCombinator[]>;
}

export { GRAMJS_LAYER };

function index(layer: number, all: TlCombinator[]): TlSchema {
  const s: TlSchema = { layer, byId: new Map(), byName: new Map(), byType: new Map() };
  for (const c of all) {
    s.byId.set(c.id, c);
    s.byName.set(c.name, c);
    if (!c.method) {
      const list = s.byType.get(c.type) ?? [];
      list.push(c);
      s.byType.set(c.type, list);
    }
  }
  return s;
}

function param(name: string, rawType: string): TlParam {
  const m = /^(\w+)\.(\d+)\?(.+)$/.exec(rawType);
  if (m) return { name, type: normalType(m[3]), flag: { field: m[1], bit: Number(m[2]) } };
  return { name, type: normalType(rawType) };
}

function normalType(t: string): string {
  if (t === 'int53') return 'long';
  const v = /^[Vv]ector<(.+)>$/.exec(t);
  return v ? `Vector<${normalType(v[1])}>` : t;
}

/** Parses TL text: `name#id a:T b:flags.0?T ... = Result;` lines; `---functions---` starts the methods. */
export function parseTlText(text: string, layer: number): TlSchema {
  const out: TlCombinator[] = [];
  let method = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (line === '---functions---') {
      method = true;
      continue;
    }
    if (line === '---types---') {
      method = false;
      continue;
    }
    const m = /^([\w.]+)#([0-9a-f]+)\s*(.*?)\s*=\s*([^;]+);$/.exec(line);
    if (!m) continue;
    const params: TlParam[] = [];
    for (const tok of m[3].split(/\s+/).filter(Boolean)) {
      if (tok.startsWith('{')) continue; // {X:Type}
      const i = tok.indexOf(':');
      if (i < 0) continue;
      params.push(param(tok.slice(0, i), tok.slice(i + 1)));
    }
    out.push({ name: m[1], id: parseInt(m[2], 16) >>> 0, type: normalType(m[4].trim()), params, method });
  }
  return index(layer, out);
}

interface MtcuteEntry {
  kind: 'class' | 'method';
  name: string;
  id: number;
  type: string;
  typeModifiers?: { isVector?: boolean };
  arguments: Array<{ name: string; type: string; typeModifiers?: { predicate?: string; isVector?: boolean } }>;
}

/** The JSON schema of @mtcute/tl (`{ l: layer, e: [entries] }`). */
export function parseMtcuteSchema(json: { l: number; e: MtcuteEntry[] }): TlSchema {
  const out = json.e.map((e): TlCombinator => ({
    name: e.name,
    id: e.id >>> 0,
    type: e.typeModifiers?.isVector ? `Vector<${normalType(e.type)}>` : normalType(e.type),
    method: e.kind === 'method',
    params: e.arguments.map((a) => {
      const t = a.typeModifiers?.isVector ? `Vector<${a.type}>` : a.type;
      return param(a.name, a.typeModifiers?.predicate ? `${a.typeModifiers.predicate}?${t}` : t);
    }),
  }));
  return index(json.l, out);
}

let gramjs: TlSchema | undefined;
let mtcute: TlSchema | undefined;

/** GramJS's layer, from the TL text GramJS builds its classes from. */
export function gramjsSchema(): TlSchema {
  return (gramjs ??= parseTlText(gramjsApiTl, GRAMJS_LAYER));
}

/** The newer layer @mtcute/tl ships (its package version is the layer: 223.0.0 is layer 223). */
export function mtcuteSchema(): TlSchema {
  if (!mtcute) {
    const require = createRequire(import.meta.url);
    mtcute = parseMtcuteSchema(require('@mtcute/tl/api-schema.json') as { l: number; e: MtcuteEntry[] });
  }
  return mtcute;
}

/** @mtcute/tl's layer (kept in step with the pinned package version; checked by a test). */
export const MTCUTE_LAYER = 223;

/** The schema of a served layer, or undefined for a layer this data centre does not speak. */
export function schemaFor(layer: number): TlSchema | undefined {
  if (layer === GRAMJS_LAYER) return gramjsSchema();
  if (layer === MTCUTE_LAYER) return mtcuteSchema();
  return undefined;
}
