#!/usr/bin/env node
// The entry point. `npm install` builds dist/ through the `prepare` script: dist/bundle/main.js
// (the bundled CLI, fastest to start) and dist/cli/main.js (the same code as separate modules).
const failed = (err) => {
  const missing = err && err.code === 'ERR_MODULE_NOT_FOUND';
  process.stderr.write(`tgsh: cannot start (${missing ? 'dist/ is missing: run npm install or npm run build' : String(err && err.message)})\n`);
  process.exitCode = 70;
};
const bundle = new URL('../dist/bundle/main.js', import.meta.url);
import(bundle.href).then(
  (m) => m.main(process.argv.slice(2)),
  (err) => {
    if (!(err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bundle/main.js'))) return failed(err);
    return import('../dist/cli/main.js').then((m) => m.main(process.argv.slice(2)), failed);
  },
);
