// Where a daemon serving a profile can be found (a module of its own: main.ts checks it at every
// pipe or -e start, and must not load the daemon's code to do so).

import { join } from 'node:path';

/** The profile's private socket, where `tgsh -e` and piped tgsh hand their lines to the daemon. */
export function privateSocketPath(profileDir: string): string {
  return join(profileDir, 'daemon.sock');
}
