// The package version, read once from tgsh's package.json: the nearest one above this file
// (dist/util/ in the module build, dist/bundle/ in the bundled one).

import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function version(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  for (let up = '../'; up.length <= 12; up += '../') {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tgsh' && pkg.version) {
        cached = pkg.version;
        break;
      }
    } catch {
      // not here; one folder up
    }
  }
  return cached;
}
