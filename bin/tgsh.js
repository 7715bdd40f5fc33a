#!/usr/bin/env node
// The compiled entry point. `npm install` builds dist/ through the `prepare` script.
import('../dist/cli/main.js').then(
  (m) => m.main(process.argv.slice(2)),
  (err) => {
    process.stderr.write(`tgsh: cannot start (${err && err.code === 'ERR_MODULE_NOT_FOUND' ? 'dist/ is missing: run npm install or npm run build' : String(err && err.message)})\n`);
    process.exitCode = 70;
  },
);
