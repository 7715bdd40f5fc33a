// Part of `npm run build`: bundles the interactive shell's renderer (dist/repl/ui.js with ink,
// react and ink-spinner) into dist/repl/ui.bundle.js. One file loads in a fraction of the time of
// ink's module graph, which is most of the time to the first live prompt.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}dist/repl/ui.js`],
  outfile: `${root}dist/repl/ui.bundle.js`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // React's production build: the development one is slower and meant for React's own debugging.
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-devtools-core': `${root}scripts/stubs/react-devtools-core.js` },
  // Some of ink's dependencies are CommonJS and call require().
  banner: { js: "import { createRequire as __tgshCreateRequire } from 'node:module'; const require = __tgshCreateRequire(import.meta.url);" },
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
