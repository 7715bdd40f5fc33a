// Part of `npm run build`, after tsc: bundles the CLI (dist/cli/main.js and everything it imports
// from dist/) into dist/bundle/. Start-up is mostly module loading, and one file loads several
// times faster than tgsh's ~60 modules, ink's ~400 or GramJS's ~150. Code splitting keeps every
// dynamic import lazy: the shell's renderer (ink, react), GramJS, the store, the resolver, the
// sender and the sandbox are separate chunks loaded only when used. The other packages (grammy,
// conf, proper-lockfile, uqr, pg) stay external and load from node_modules.
//
// Two passes. esbuild bundles and splits; it puts code shared by main and a lazy part in a chunk
// of its own, so main alone was 20 files, each costing Node's ESM loader about a millisecond.
// Rollup then re-chunks esbuild's output: a module main loads anyway joins main, so the start-up
// path is 2 files and each lazy part 1 to 3.
// GramJS is the exception: it is built apart, as dist/bundle/gramjs.cjs with a V8 code cache, and
// has its start-up work moved to build time or first use (scripts/bundle-gramjs.js).
// bin/tgsh.js runs the bundle, or dist/cli/main.js when there is none.
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGramjs, gramjsShimPlugin } from './bundle-gramjs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist/`;
/**
 * Packages bundled in: the shell's renderer, and better-sqlite3's JavaScript (a dozen small
 * CommonJS files every sqlite-profile process would load one by one; its addon is opened by path,
 * src/store/sqlite-db.ts). Every other package stays external but GramJS.
 */
const BUNDLED = /^(ink|ink-spinner|react|better-sqlite3)(\/|$)/;
const common = { minifySyntax: true, minifyWhitespace: true, legalComments: 'none', logLevel: 'warning' };
/** The GramJS modules tgsh's code imports ('telegram', 'telegram/Helpers.js', ...). */
const gramjsModules = new Set();

// Built aside, then put in place at once: tgsh processes started meanwhile find a whole bundle (the
// GramJS build and its code cache take a second or two). A failed build leaves no bundle (bin/tgsh.js
// then runs dist/cli/main.js), never the one from the sources before.
const out = `${dist}bundle`;
const staging = `${out}.build-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
try {
  await bundle(staging);
} catch (e) {
  rmSync(staging, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  throw e;
}
rmSync(`${out}.old`, { recursive: true, force: true });
try {
  renameSync(out, `${out}.old`);
} catch {
  // no bundle yet
}
renameSync(staging, out);
rmSync(`${out}.old`, { recursive: true, force: true });

/** The whole bundle into `outdir`: tgsh's code (ESM chunks), then GramJS (gramjs.cjs and its code cache). */
async function bundle(outdir) {
  const firstPass = `${outdir}/esbuild`;
  await build({
    entryPoints: { main: `${dist}cli/main.js` },
    outdir: firstPass,
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // React's production build: the development one is slower and meant for React's own debugging.
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': `${root}scripts/stubs/react-devtools-core.js` },
    plugins: [
      gramjsShimPlugin(dist, gramjsModules),
      {
        name: 'external-packages',
        setup(b) {
          // A package imported by tgsh's own code stays external unless it is the renderer's;
          // packages imported from inside the renderer's packages are bundled with them.
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('node:') || !args.importer.startsWith(dist)) return undefined;
            return BUNDLED.test(args.path) ? undefined : { path: args.path, external: true };
          });
        },
      },
    ],
    ...common,
  });
  await rechunk(`${firstPass}/main.js`, outdir);
  rmSync(firstPass, { recursive: true, force: true });
  await buildGramjs(build, outdir, gramjsModules, common, out);
}

/**
 * The small chunks esbuild shared between the store and other lazy parts join main: nearly every
 * command opens the store, and each file is another millisecond of ESM loading (an offline
 * resolve loaded 10 files: main, the store's 3 and its 6 shared chunks of 1-17 KB). The store's
 * own files stay lazy (`help`, `version` never open it).
 */
function intoMain(input) {
  let reach;
  return (id, { getModuleIds, getModuleInfo }) => {
    if (!reach) {
      reach = new Set([input]);
      const store = [...getModuleIds()].find((d) => /\/store-[A-Z0-9]+\.js$/.test(d));
      const walk = (m) => {
        for (const d of getModuleInfo(m)?.importedIds ?? []) {
          if (reach.has(d) || !/\/chunk-[A-Z0-9]+\.js$/.test(d)) continue;
          if ((getModuleInfo(d)?.code?.length ?? 0) > 20_000) continue;
          reach.add(d);
          walk(d);
        }
      };
      if (store) walk(store);
    }
    return reach.has(id) ? 'main' : undefined;
  };
}

/** Rollup's pass over esbuild's chunks (see the top): the same code, in fewer files. */
async function rechunk(input, outdir) {
  const pass = await rollup({
    input,
    // Packages and node: modules stay imports; every other file is one of esbuild's chunks.
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    // esbuild has tree-shaken already; main's exports are free to grow (lazy parts import from it).
    treeshake: false,
    preserveEntrySignatures: 'allow-extension',
    onwarn(warning, warn) {
      if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
    },
  });
  await pass.write({
    dir: outdir,
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    manualChunks: intoMain(input),
    // Some of ink's dependencies are CommonJS and call require() (esbuild's __require looks for one).
    banner: "import { createRequire as __tgshCreateRequire } from 'node:module'; const require = __tgshCreateRequire(import.meta.url);",
  });
  await pass.close();
}
