// Bundled into dist/bundle/ by scripts/bundle.js (it is not part of dist/ otherwise): loads
// GramJS, built by scripts/bundle-gramjs.js as one CommonJS file (dist/bundle/gramjs.cjs), with
// V8's code cache that the build made for it (gramjs.cjs.cache, by scripts/gramjs-cache.js):
// compiling GramJS's code, and each function a resolve runs, costs about 30 ms on every start
// without it. A cache this V8 cannot use (another Node.js version or V8 flags) is ignored by V8
// and the code is compiled as usual; the code that runs is the same either way.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** The CommonJS wrapper, the same at build time (when the cache is made) and at run time. */
export const GRAMJS_WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

let modules;

/** The module objects of GramJS, by the specifier tgsh imports them with ('telegram', 'telegram/Helpers.js', ...). */
export function gramjs() {
  if (modules) return modules;
  const file = fileURLToPath(new URL('./gramjs.cjs', import.meta.url));
  // The build checked that the file is ASCII, which latin1 reads as UTF-8 would, only faster.
  const source = readFileSync(file, 'latin1');
  // V8 checks that a cache suits its version, flags and the source's length; a cache older than the
  // file (the file edited since the build) is not used either.
  let cachedData;
  try {
    if (statSync(`${file}.cache`).mtimeMs >= statSync(file).mtimeMs) cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(GRAMJS_WRAPPER[0] + source + GRAMJS_WRAPPER[1], { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  modules = module.exports;
  return modules;
}
