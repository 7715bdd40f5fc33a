// Where a profile keeps its files. Everything under the profile folder is 0600, folders 0700.

import { join } from 'node:path';

export interface ProfilePaths {
  dir: string;
  /** The peer store (conf JSON). */
  peers: string;
  /** Small settings (conf JSON). */
  settings: string;
  /** Bot token, MTProto sessions: never exported, never printed. */
  credentials: string;
  /** Interactive shell history, one line per entry. */
  history: string;
  /** Broadcast journals. */
  journals: string;
}

export function profilePaths(profileDir: string): ProfilePaths {
  return {
    dir: profileDir,
    peers: join(profileDir, 'peers.json'),
    settings: join(profileDir, 'settings.json'),
    credentials: join(profileDir, 'credentials.json'),
    history: join(profileDir, 'history'),
    journals: join(profileDir, 'broadcasts'),
  };
}
