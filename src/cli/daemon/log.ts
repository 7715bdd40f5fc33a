// The daemon's status log: -L FILE (0600, appended, one timestamped line per entry), else stderr
// when there is a terminal side (no -d), else nowhere. Every line is scrubbed of secrets first.

import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import type { Secret } from '../../core/secret.js';
import { scrubSecrets } from '../../core/secret.js';
import { showControls } from '../../output/controls.js';

export interface DaemonLog {
  (text: string): void;
  close(): void;
}

export function openLog(o: { file?: string; detached: boolean; secrets: () => Array<Secret | undefined> }): DaemonLog {
  let fd: number | undefined;
  if (o.file !== undefined) {
    fd = openSync(o.file, 'a', 0o600);
    fchmodSync(fd, 0o600); // a file that was there before keeps no wider mode
  }
  const log = ((text: string): void => {
    const clean = showControls(scrubSecrets(text, o.secrets()).replace(/\n+$/, ''));
    if (clean === '') return;
    if (fd !== undefined) {
      const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      writeSync(fd, clean.split('\n').map((l) => `${at} tgsh[${process.pid}]: ${l}\n`).join(''));
    } else if (!o.detached) process.stderr.write(clean + '\n');
  }) as DaemonLog;
  log.close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return log;
}
