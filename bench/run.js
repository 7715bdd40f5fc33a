// `npm run bench [-- filter]`: runs every bench/*.bench.js in its own process, in name order,
// and prints their figures. Exit status 1 when any target is missed.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => !filter || f.includes(filter))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n== ${f}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.stdout.write(failed ? `\n${failed} benchmark file(s) missed a target or failed\n` : '\nall targets met\n');
process.exitCode = failed ? 1 : 0;
