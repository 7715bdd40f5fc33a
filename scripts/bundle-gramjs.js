// Part of scripts/bundle.js: how GramJS gets into the bundle. Importing GramJS took about 150 ms
// of CPU on every MTProto command (a new process resolving one name spent half its time there),
// most of it work whose result never changes or is never used:
//
// 1. telegram/tl/api.js parses the whole TL schema (api.tl + schema.tl, 230 KB of text, 2,100
//    definitions) with regular expressions (~45 ms, plus the garbage it leaves for the collector),
//    then creates a class for each definition (~15 ms), and AllTLObjects.js indexes them all by
//    constructor id. Here the build runs GramJS's own parser once and the bundle gets its result
//    as a compact table (the schema text is left out): names and ids parsed at start, a
//    definition's arguments when its class is created, by GramJS's own createClasses(), on first
//    use (Api.contacts.ResolveUsername, or tlobjects[id] when an answer is read). The table is
//    checked to decode into exactly the parser's output, and the bundle's Api and tlobjects to
//    match GramJS's unpatched ones (and to serialize and read objects the same).
// 2. Packages GramJS requires at load but uses only inside functions tgsh never or rarely calls
//    (websocket: WSS transport; socks: proxies; htmlparser2 and its entities tables: HTML parse
//    mode; mime: file uploads; store2: StoreSession; pako: gzip_packed answers) are required on
//    first use instead (~30 ms). They stay in the bundle and behave as before once used.
// 3. GramJS is built as one CommonJS file, dist/bundle/gramjs.cjs, loaded by
//    scripts/gramjs-loader.js with a V8 code cache made at build time (scripts/gramjs-cache.js,
//    after running its modules and a saved-session resolve on tgsh's sandbox): V8 then neither
//    parses nor compiles that code at run time (~30 ms). Every `telegram...` import of tgsh's
//    code becomes a small module taking its object from there, so the process still has one
//    GramJS, whose modules run in the same order as before.
//
// 4. BinaryReader reads a 64-bit integer (every id and access hash of an answer) with Buffer's
//    readBigInt64LE instead of a hex string parsed by big-integer digit by digit and its sign
//    tested through a base-2 string (~70 us a long when cold: 100 messages of a history carry 200
//    of them, ~14 ms of a new process's `history`). The value is the same big-integer object
//    (checked at build, for edge and random values, signed and unsigned).
//
// Each patch names the exact GramJS source text it replaces. Should a GramJS update change that
// text, the patch is skipped with a warning (the bundle stays correct, only slower to start).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Script } from 'node:vm';
import { GRAMJS_WRAPPER } from './gramjs-loader.js';

const require = createRequire(import.meta.url);
const PKG = dirname(require.resolve('telegram/package.json'));

// ---------------------------------------------------------------- 2. lazy requires

/** `require(X)` calls in GramJS modules made lazy: [file in the telegram package, exact text]. */
const LAZY_REQUIRES = [
  ['extensions/PromisedWebSockets.js', 'require("websocket")'],
  ['extensions/PromisedNetSockets.js', 'require("./socks")'],
  ['extensions/html.js', 'require("htmlparser2")'],
  ['Utils.js', '__importDefault(require("mime"))'],
  ['sessions/StoreSession.js', '__importDefault(require("store2"))'],
  ['tl/core/GZIPPacked.js', 'require("pako")'],
];

/**
 * A module object loaded on first use. Every use of these modules in GramJS is a property read
 * inside a function (`websocket_1.w3cwebsocket`, `mime_1.default.getType`), which the proxy
 * forwards to the real module, loaded then.
 */
const LAZY_HELPER = `
// tgsh: required on first use (scripts/bundle-gramjs.js)
function __tgshLazy(load) {
  let m;
  const get = () => (m ??= load());
  return new Proxy({}, {
    get: (_, k) => get()[k],
    has: (_, k) => k in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, k) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), k);
      if (d) d.configurable = true;
      return d;
    },
  });
}
`;

function patchLazyRequires(source, texts) {
  let contents = source;
  for (const text of texts) {
    if (contents.split(text).length !== 2) return { reason: `'${text}' is not there once` };
    contents = contents.replace(text, `__tgshLazy(() => ${text})`);
  }
  return { contents: `${contents}\n${LAZY_HELPER}` };
}

// ---------------------------------------------------------------- 4. longs read natively

const READ_LARGE_INT = 'return (0, Helpers_1.readBigIntFromBuffer)(buffer, true, signed);';
const READ_LONG_FAST =
  '// tgsh: 64 bits read natively, the same big-integer value (scripts/bundle-gramjs.js)\n' +
  '        if (buffer.length === 8) return (0, Helpers_1.returnBigInt)(signed ? buffer.readBigInt64LE(0) : buffer.readBigUInt64LE(0));\n' +
  `        ${READ_LARGE_INT}`;

function patchLongReads(source) {
  if (source.split(READ_LARGE_INT).length !== 2) return { reason: `'${READ_LARGE_INT}' is not there once` };
  return { contents: source.replace(READ_LARGE_INT, READ_LONG_FAST) };
}

/** Longs (edges and random, signed and unsigned) as one BinaryReader reads them. */
function longReads(binaryReader) {
  const { BinaryReader } = binaryReader;
  const edges = [0n, 1n, -1n, 255n, 256n, 2n ** 31n, -(2n ** 31n), 2n ** 32n, 2n ** 52n, 2n ** 63n - 1n, -(2n ** 63n)];
  const buf = Buffer.alloc(8 * (edges.length + 500));
  edges.forEach((v, i) => buf.writeBigInt64LE(v, 8 * i));
  let x = 0x9e3779b97f4a7c15n;
  for (let i = edges.length; i < buf.length / 8; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
    buf.writeBigUInt64LE(i % 3 === 0 ? x >> BigInt(i % 64) : x, 8 * i);
  }
  const out = [];
  for (const signed of [true, false]) {
    const r = new BinaryReader(buf);
    for (let i = 0; i < buf.length / 8; i++) {
      const v = signed ? r.readLong() : r.readLargeInt(64, false);
      // The two GramJSes have their own big-integer: compare the shape and the value.
      out.push(`${Object.entries(v).map(([k, f]) => `${k}:${typeof f}`).join(',')} ${v.toString()} ${v.isNegative()}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- 1. the TL table, classes on first use

// A definition is packed as [name, constructorId, subclassOfId, result, isFunction (0/1),
// namespace (0: none), start], where `start` is where its arguments begin in the arguments text:
// one line per definition, a JSON array of [name, type, bits, flagName?, flagIndex?] per argument
// (its config, buildArgConfig in telegram/tl/generationHelpers.js). The rows are parsed at start;
// a definition's arguments only when its class is created.
const IS_VECTOR = 1;
const IS_FLAG = 2;
const SKIP_CONSTRUCTOR_ID = 4;
const FLAG_INDICATOR = 8;
const USE_VECTOR_ID_TRUE = 16;
const USE_VECTOR_ID_FALSE = 32;

/** The decoder of one definition, as it runs in the bundle (and, for the check, here). */
const DECODER = `
function __tgshDecodeTl(d, text) {
  const args = JSON.parse(text.slice(d[6], text.indexOf("\\n", d[6])));
  const argsConfig = {};
  for (const a of args) {
    const b = a[2];
    argsConfig[a[0]] = {
      isVector: (b & ${IS_VECTOR}) !== 0,
      isFlag: (b & ${IS_FLAG}) !== 0,
      skipConstructorId: (b & ${SKIP_CONSTRUCTOR_ID}) !== 0,
      flagName: a.length > 3 ? a[3] : null,
      flagIndex: a.length > 4 ? a[4] : -1,
      flagIndicator: (b & ${FLAG_INDICATOR}) !== 0,
      type: a[1],
      useVectorId: b & ${USE_VECTOR_ID_TRUE} ? true : b & ${USE_VECTOR_ID_FALSE} ? false : null,
    };
  }
  return { name: d[0], constructorId: d[1], argsConfig, subclassOfId: d[2], result: d[3], isFunction: d[4] === 1, namespace: d[5] === 0 ? undefined : d[5] };
}
`;

/**
 * Api with each class created by createClasses() on first read, and each namespace object
 * (Api.contacts) filled on first read: a property that turns into the plain data property GramJS
 * would have made. Properties are defined in GramJS's order, so keys enumerate the same. The index
 * of classes by constructor id (AllTLObjects' tlobjects, which BinaryReader reads answers with)
 * is a proxy of GramJS's object, whose entries are read from Api when first read: `winners` are
 * the rows whose classes GramJS's index holds, in its order (computed from GramJS at build time).
 */
const LAZY_API = `
// tgsh: the TL classes, each created on first use (scripts/bundle-gramjs.js)
function __tgshData(target, key, value) {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}
function __tgshLater(target, key, make) {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get: () => __tgshData(target, key, make()),
    set: (value) => void __tgshData(target, key, value),
  });
}
function __tgshClass(row) {
  const made = createClasses("all", [__tgshDecodeTl(row, __tgshArgsText)]);
  return row[5] === 0 ? made[row[0]] : made[row[5]][row[0]];
}
function __tgshLazyApi(table) {
  const classes = {};
  const namespaces = new Map();
  for (const row of table.rows) {
    const namespace = row[5];
    if (namespace === 0) {
      __tgshLater(classes, row[0], () => __tgshClass(row));
      continue;
    }
    let rows = namespaces.get(namespace);
    if (!rows) {
      namespaces.set(namespace, (rows = []));
      __tgshLater(classes, namespace, () => {
        const container = {};
        for (const r of rows) __tgshLater(container, r[0], () => __tgshClass(r));
        return container;
      });
    }
    rows.push(row);
  }
  return classes;
}
function __tgshIndex(Api, tlobjects) {
  const pending = new Map();
  for (const r of __tgshTable.winners) pending.set(String(__tgshTable.rows[r][1]), __tgshTable.rows[r]);
  const settle = (key) => {
    const row = pending.get(key);
    if (!row) return;
    pending.delete(key);
    tlobjects[key] = row[5] === 0 ? Api[row[0]] : Api[row[5]][row[0]];
  };
  const forget = (key) => void (typeof key === "string" && pending.delete(key));
  return new Proxy(tlobjects, {
    get(target, key, receiver) {
      if (typeof key === "string") settle(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      return (typeof key === "string" && pending.has(key)) || Reflect.has(target, key);
    },
    ownKeys(target) {
      for (const key of [...pending.keys()]) settle(key);
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === "string") settle(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    set(target, key, value, receiver) {
      forget(key);
      return Reflect.set(target, key, value, receiver);
    },
    defineProperty(target, key, descriptor) {
      forget(key);
      return Reflect.defineProperty(target, key, descriptor);
    },
    deleteProperty(target, key) {
      forget(key);
      return Reflect.deleteProperty(target, key);
    },
  });
}
`;

const API_SCHEMA_REQUIRES = 'const tlContent = require("./apiTl.js");\nconst schemeContent = require("./schemaTl.js");';
const API_BUILD = 'const api = buildApiFromTlSchema();\nmodule.exports = { Api: api };';
const INDEX_LOOP = `for (const tl of Object.values(_1.Api)) {
    if ("CONSTRUCTOR_ID" in tl) {
        tlobjects[tl.CONSTRUCTOR_ID] = tl;
    }
    else {
        for (const sub of Object.values(tl)) {
            tlobjects[sub.CONSTRUCTOR_ID] = sub;
        }
    }
}`;

const ARG_KEYS = ['isVector', 'isFlag', 'skipConstructorId', 'flagName', 'flagIndex', 'flagIndicator', 'type', 'useVectorId'];
const DEF_KEYS = ['name', 'constructorId', 'argsConfig', 'subclassOfId', 'result', 'isFunction', 'namespace'];

function sameKeys(o, keys) {
  const k = Object.keys(o);
  return k.length === keys.length && k.every((x, i) => x === keys[i]);
}

function encodeArg(name, a) {
  if (!sameKeys(a, ARG_KEYS)) throw new Error(`unexpected TL argument shape: ${JSON.stringify(a)}`);
  const bits =
    (a.isVector ? IS_VECTOR : 0) |
    (a.isFlag ? IS_FLAG : 0) |
    (a.skipConstructorId ? SKIP_CONSTRUCTOR_ID : 0) |
    (a.flagIndicator ? FLAG_INDICATOR : 0) |
    (a.useVectorId === true ? USE_VECTOR_ID_TRUE : a.useVectorId === false ? USE_VECTOR_ID_FALSE : 0);
  const out = [name, a.type, bits];
  if (a.flagName !== null || a.flagIndex !== -1) out.push(a.flagName);
  if (a.flagIndex !== -1) out.push(a.flagIndex);
  return out;
}

/** The definitions as rows and arguments text (see DECODER). */
function encodeDefinitions(defs) {
  let text = '';
  const rows = defs.map((d) => {
    if (!sameKeys(d, DEF_KEYS)) throw new Error(`unexpected TL definition shape: ${Object.keys(d).join(',')}`);
    if (d.namespace === 0 || d.namespace === '') throw new Error(`TL namespace ${JSON.stringify(d.namespace)} cannot be encoded`);
    const row = [d.name, d.constructorId, d.subclassOfId, d.result, d.isFunction ? 1 : 0, d.namespace ?? 0, text.length];
    text += `${JSON.stringify(Object.entries(d.argsConfig).map(([n, a]) => encodeArg(n, a)))}\n`;
    return row;
  });
  return { rows, text };
}

/** JSON with undefined values kept visible, so that key order and absent-vs-undefined both count. */
function canonical(value) {
  return JSON.stringify(value, (_, v) => (v === undefined ? '\u0000undefined' : v));
}

/** GramJS's own loadFromTlSchemas() result: api.js run once here, with that function exported. */
function gramjsDefinitions(apiPath, source) {
  const m = new Module(apiPath);
  m.filename = apiPath;
  m.paths = Module._nodeModulePaths(dirname(apiPath));
  m._compile(`${source}\nmodule.exports.__tgshLoadFromTlSchemas = loadFromTlSchemas;\n`, apiPath);
  return m.exports.__tgshLoadFromTlSchemas();
}

/**
 * The rows (indexes into `rows`) of the classes in GramJS's own tlobjects, in its key order: where
 * two definitions share a constructor id or a name, the one GramJS's index holds.
 */
function indexWinners(rows) {
  const { Api } = require('telegram');
  const { tlobjects } = require('telegram/tl/AllTLObjects.js');
  const byPath = new Map();
  rows.forEach((r, i) => byPath.set(r[5] === 0 ? r[0] : `${r[5]}.${r[0]}`, i));
  return Object.entries(tlobjects).map(([id, cls]) => {
    const i = byPath.get(cls.className);
    const row = rows[i];
    const inApi = row && (row[5] === 0 ? Api[row[0]] : Api[row[5]]?.[row[0]]);
    if (inApi !== cls || String(row[1]) !== id) throw new Error(`GramJS's tlobjects[${id}] (${cls.className}) is not the class its Api names so`);
    return i;
  });
}

/** Patched api.js and AllTLObjects.js (both or neither), or the reason they are not. */
function patchTl() {
  const apiPath = join(PKG, 'tl', 'api.js');
  const api = readFileSync(apiPath, 'utf8');
  const index = readFileSync(join(PKG, 'tl', 'AllTLObjects.js'), 'utf8');
  const once = (s, text) => s.split(text).length === 2;
  if (!once(api, API_SCHEMA_REQUIRES) || !once(api, API_BUILD) || !once(index, INDEX_LOOP)) return { reason: 'its schema loading or class index changed' };
  const defs = gramjsDefinitions(apiPath, api);
  const { rows, text } = encodeDefinitions(defs);
  const decode = new Function(`${DECODER}\nreturn __tgshDecodeTl;`)();
  const decoded = JSON.parse(JSON.stringify(rows)).map((row) => decode(row, text));
  // The decoded table must be the parser's output exactly: values, key order, undefined fields.
  if (!isDeepStrictEqual(decoded, defs) || canonical(decoded) !== canonical(defs)) throw new Error('the precomputed TL table does not decode to GramJS definitions');
  const table = { rows, winners: indexWinners(rows) };
  const apiContents = api
    .replace(API_SCHEMA_REQUIRES, '// tgsh: the TL schema is parsed at build time (scripts/bundle-gramjs.js)\nconst tlContent = undefined;\nconst schemeContent = undefined;')
    .replace(
      API_BUILD,
      `${DECODER}\n${LAZY_API}\nconst __tgshArgsText = ${JSON.stringify(text)};\nconst __tgshTable = JSON.parse(${JSON.stringify(JSON.stringify(table))});\nconst api = __tgshLazyApi(__tgshTable);\nmodule.exports = { Api: api, __tgshIndex };`,
    );
  return {
    files: new Map([
      ['tl/api.js', apiContents],
      ['tl/AllTLObjects.js', index.replace(INDEX_LOOP, '// tgsh: entries read from Api when first read (scripts/bundle-gramjs.js)\nexports.tlobjects = require("./api").__tgshIndex(_1.Api, tlobjects);')],
    ]),
  };
}

// ---------------------------------------------------------------- the patches as an esbuild plugin

/** Every patched file of the telegram package (path relative to it -> contents); warns for those skipped. */
function gramjsPatches() {
  const files = new Map();
  const skipped = (what, reason) => console.warn(`bundle: GramJS patch for ${what} skipped: ${reason} (update scripts/bundle-gramjs.js)`);
  const tl = patchTl();
  if (tl.files) for (const [f, c] of tl.files) files.set(f, c);
  else skipped('telegram/tl/api.js', tl.reason);
  const lazy = new Map();
  for (const [file, text] of LAZY_REQUIRES) lazy.set(file, [...(lazy.get(file) ?? []), text]);
  for (const [file, texts] of lazy) {
    const r = patchLazyRequires(readFileSync(join(PKG, file), 'utf8'), texts);
    if (r.contents !== undefined) files.set(file, r.contents);
    else skipped(`telegram/${file}`, r.reason);
  }
  const reader = patchLongReads(readFileSync(join(PKG, 'extensions/BinaryReader.js'), 'utf8'));
  if (reader.contents !== undefined) files.set('extensions/BinaryReader.js', reader.contents);
  else skipped('telegram/extensions/BinaryReader.js', reader.reason);
  return files;
}

/** The esbuild plugin that applies patches 1, 2 and 4 to GramJS's modules. */
export function gramjsStartupPlugin() {
  const patches = gramjsPatches();
  const prefix = PKG + sep;
  const loaded = new Set();
  return {
    name: 'gramjs-startup',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]telegram[\\/].*\.js$/ }, (args) => {
        if (!args.path.startsWith(prefix)) return undefined;
        const file = args.path.slice(prefix.length).split(sep).join('/');
        const contents = patches.get(file);
        if (contents === undefined) return undefined;
        loaded.add(file);
        return { contents, loader: 'js' };
      });
      b.onEnd((result) => {
        if (result.errors.length > 0) return;
        for (const file of patches.keys()) if (!loaded.has(file)) console.warn(`bundle: GramJS patch for telegram/${file} not used: the file was not bundled`);
      });
    },
  };
}

// ---------------------------------------------------------------- 3. GramJS as one cached file

const LOADER = fileURLToPath(new URL('./gramjs-loader.js', import.meta.url));
const TELEGRAM = /^telegram(\/|$)/;
/** Modules put in gramjs.cjs for the build's own check. */
const CHECKED = ['telegram', 'telegram/tl/AllTLObjects.js', 'telegram/extensions/BinaryReader.js'];

/**
 * The plugin for tgsh's own bundle: each `telegram...` import from `dist` becomes a module taking
 * its object from gramjs.cjs (through the loader); the specifiers met are added to `specifiers`
 * for buildGramjs.
 */
export function gramjsShimPlugin(dist, specifiers) {
  return {
    name: 'gramjs-shim',
    setup(b) {
      b.onResolve({ filter: TELEGRAM }, (args) => {
        if (!args.importer.startsWith(dist)) return undefined;
        specifiers.add(args.path);
        return { path: args.path, namespace: 'gramjs' };
      });
      b.onLoad({ filter: /.*/, namespace: 'gramjs' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(LOADER)}).gramjs()[${JSON.stringify(args.path)}];`,
        resolveDir: dirname(LOADER),
        loader: 'js',
      }));
    },
  };
}

/** What must be the same in the bundle's GramJS as in GramJS itself: every class of Api, and tlobjects. */
function describeTl(Api, tlobjects) {
  const classes = [];
  const describe = (path, c) => {
    const proto = Object.getOwnPropertyNames(c.prototype).join(',');
    classes.push(`${path}|${c.CONSTRUCTOR_ID}|${c.SUBCLASS_OF_ID}|${c.className}|${c.classType}|${proto}`);
  };
  for (const [k, v] of Object.entries(Api)) {
    if ('CONSTRUCTOR_ID' in v) describe(k, v);
    else for (const [s, c] of Object.entries(v)) describe(`${k}.${s}`, c);
  }
  const index = Object.entries(tlobjects).map(([id, c]) => `${id}:${c.className}`);
  return { classes, index };
}

/** A few requests and answers serialized and read back by both GramJSes: the same bytes, the same objects. */
function roundTrips(gramjs) {
  const { Api } = gramjs.telegram;
  const { BinaryReader } = gramjs.binaryReader;
  const requests = [
    new Api.contacts.ResolveUsername({ username: 'example_user' }),
    new Api.InvokeWithLayer({ layer: 198, query: new Api.InitConnection({ apiId: 1, deviceModel: 'd', systemVersion: 's', appVersion: 'a', systemLangCode: 'en', langPack: '', langCode: 'en', query: new Api.help.GetConfig() }) }),
    new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }),
  ];
  const answer = new Api.contacts.ResolvedPeer({
    peer: new Api.PeerUser({ userId: 42n }),
    chats: [],
    users: [new Api.User({ id: 42n, accessHash: -5n, firstName: 'Example', username: 'example_user', bot: true, botInfoVersion: 1 })],
  });
  return [...requests, answer].map((o) => {
    const bytes = o.getBytes();
    const back = new BinaryReader(bytes).tgReadObject();
    return `${bytes.toString('hex')} ${JSON.stringify(back, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`;
  });
}

/**
 * Builds `<outdir>/gramjs.cjs` (the GramJS modules tgsh imports, each required on first use),
 * checks it against GramJS itself, and writes its code cache `gramjs.cjs.cache` (see
 * scripts/gramjs-cache.js). `finalDir`: where the file will be run from (V8 keeps the file name
 * the cache was made with, for stack traces).
 */
export async function buildGramjs(build, outdir, specifiers, options, finalDir = outdir) {
  const list = [...new Set([...CHECKED, ...specifiers])];
  const entry = [
    'const modules = {};',
    ...list.map((s) => `Object.defineProperty(modules, ${JSON.stringify(s)}, { enumerable: true, get: () => require(${JSON.stringify(s)}) });`),
    'module.exports = modules;',
  ].join('\n');
  const file = join(outdir, 'gramjs.cjs');
  await build({
    ...options,
    stdin: { contents: entry, resolveDir: PKG, sourcefile: 'gramjs-modules.js', loader: 'js' },
    outfile: file,
    bundle: true,
    splitting: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    plugins: [gramjsStartupPlugin()],
  });
  // Run it as the loader does: the same wrapper and file name (the code cache is made from this script).
  const bytes = readFileSync(file);
  if (bytes.some((b) => b > 0x7f)) throw new Error('gramjs.cjs is not ASCII: the loader reads it as latin1');
  const source = bytes.toString('latin1');
  const script = new Script(GRAMJS_WRAPPER[0] + source + GRAMJS_WRAPPER[1], { filename: file });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const ours = module.exports;
  for (const s of list) if (ours[s] === undefined) throw new Error(`gramjs.cjs: ${s} did not load`);
  const theirs = { telegram: require('telegram'), index: require('telegram/tl/AllTLObjects.js'), binaryReader: require('telegram/extensions/BinaryReader.js') };
  const mine = { telegram: ours.telegram, index: ours['telegram/tl/AllTLObjects.js'], binaryReader: ours['telegram/extensions/BinaryReader.js'] };
  if (!isDeepStrictEqual(roundTrips(mine), roundTrips(theirs))) throw new Error('gramjs.cjs: TL objects serialize differently from GramJS');
  if (!isDeepStrictEqual(longReads(mine.binaryReader), longReads(theirs.binaryReader))) throw new Error('gramjs.cjs: BinaryReader reads longs differently from GramJS');
  if (!isDeepStrictEqual(describeTl(mine.telegram.Api, mine.index.tlobjects), describeTl(theirs.telegram.Api, theirs.index.tlobjects))) {
    throw new Error("gramjs.cjs: Api's classes or their index differ from GramJS's");
  }
  await writeCodeCache(file, join(finalDir, 'gramjs.cjs'), join(outdir, '..'));
}

const CACHE_SCRIPT = fileURLToPath(new URL('./gramjs-cache.js', import.meta.url));

/** scripts/gramjs-cache.js in a new process; resolves to its exit status. */
function runCacheScript(file, name, train) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the cache is for a plain `node` (V8 refuses a cache made with other flags)
  if (train) env.TGSH_TRAIN = JSON.stringify(train);
  else delete env.TGSH_TRAIN;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CACHE_SCRIPT, file, name], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(-1));
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

/**
 * The code cache, trained on tgsh's sandbox (from `dist`, in this process) when it starts: a user
 * session (the world's first user with a phone and a login code) made by tgsh's own client, then
 * reused by the bundle's GramJS in the cache's process, with a history of 100 messages to read.
 * Without the sandbox the cache holds the modules' code only (a warning says so).
 */
async function writeCodeCache(file, name, dist) {
  let sandbox;
  let train;
  try {
    const { startSandbox } = await import(pathToFileURL(join(dist, 'sandbox', 'sandbox.js')).href);
    const mt = await import(pathToFileURL(join(dist, 'telegram', 'mtproto', 'index.js')).href);
    sandbox = await startSandbox();
    const c = sandbox.connection;
    const host = c.dc.slice(0, c.dc.lastIndexOf(':'));
    const port = Number(c.dc.slice(c.dc.lastIndexOf(':') + 1));
    const client = await mt.createMtprotoClient({ endpoint: { host, port, rsaPublicKeyPem: c.rsa_key_pem }, apiId: c.api_id, apiHash: c.api_hash, timeoutMs: 10_000 });
    try {
      const users = [...sandbox.world.users.values()];
      const me = users.find((u) => u.phone && u.login_code && !u.password);
      if (!me) throw new Error('the sandbox world has no user who logs in by code');
      const sent = await mt.invokeWithTimeout(client, new mt.Api.auth.SendCode({ phoneNumber: me.phone, apiId: c.api_id, apiHash: c.api_hash, settings: new mt.Api.CodeSettings({}) }));
      await mt.invokeWithTimeout(client, new mt.Api.auth.SignIn({ phoneNumber: me.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: me.login_code }));
      const other = users.find((u) => !u.hidden && !u.token && u.usernames?.length && String(u.id) !== String(me.id));
      const username = other?.usernames[0];
      if (!username) throw new Error('the sandbox world has no user with a username');
      // A conversation to read (both directions, as a history has them).
      for (let i = 0; i < 50; i++) {
        sandbox.world.driver.sendToUser(me.id, other.id, `training line ${i}`);
        sandbox.world.driver.sendToUser(other.id, me.id, `training answer ${i}`);
      }
      train = { host, port, apiId: c.api_id, apiHash: c.api_hash, session: mt.saveSession(client), username };
    } finally {
      await mt.destroyClient(client);
    }
  } catch (e) {
    console.warn(`bundle: GramJS's code cache holds its modules only (tgsh's sandbox did not start: ${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    if (train && (await runCacheScript(file, name, train)) === 0) return;
    if (train) console.warn("bundle: GramJS's code cache holds its modules only (the run on tgsh's sandbox failed)");
    if ((await runCacheScript(file, name, undefined)) !== 0) throw new Error(`gramjs.cjs: ${CACHE_SCRIPT} failed`);
  } finally {
    await sandbox?.close();
  }
}
