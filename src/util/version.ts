// The package version, read once from package.json (dist/util/ -> package root).

import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function version(): string {
  if (cached === undefined) {
    try {
      cached = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
