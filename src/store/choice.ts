// Which backend a profile keeps its peers in: `--store conf|sqlite|postgres://...` or TGSH_STORE
// for a run, remembered by the profile in store.json once used (`{"backend":"sqlite"}`); conf
// (peers.json) when nothing says otherwise. store.json is replaced atomically (temp file +
// rename), so `store migrate` switches a profile in one step. Backends are imported only when
// chosen: a conf profile never loads better-sqlite3 or pg.

import fs from 'node:fs';
import { join } from 'node:path';
import { TgshError, ErrorCode } from '../core/errors.js';
import { isObject } from '../core/json.js';
import type { PeerBackend, StoreKind } from './backend.js';
import type { LockOptions } from './lock.js';
import { safeUrl } from './safe-url.js';

export { safeUrl };

export interface StoreChoice {
  kind: Exclude<StoreKind, 'memory'>;
  /** postgres only: the connection URL (may hold a password: never print it, see safeUrl). */
  url?: string;
}

export const STORE_FILE = 'store.json';
export const SQLITE_FILE = 'peers.sqlite';

/** Parses a `--store` value; throws TgshError (bad argument) for anything else. */
export function parseStoreChoice(value: string): StoreChoice {
  const v = value.trim();
  if (v === 'conf' || v === 'json') return { kind: 'conf' };
  if (v === 'sqlite') return { kind: 'sqlite' };
  if (/^postgres(ql)?:\/\//i.test(v)) return { kind: 'postgres', url: v };
  if (v === 'postgres' || v === 'postgresql') {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, 'the postgres store needs a URL', { hint: 'use --store postgres://user:password@host:5432/database' });
  }
  throw new TgshError(ErrorCode.BAD_ARGUMENT, `unknown store '${safeUrl(v).slice(0, 64)}'`, { hint: 'use conf, sqlite or postgres://user@host/database' });
}

export function describeChoice(c: StoreChoice): string {
  return c.kind === 'postgres' ? safeUrl(c.url ?? '') : c.kind;
}

export function sameChoice(a: StoreChoice, b: StoreChoice): boolean {
  return a.kind === b.kind && (a.kind !== 'postgres' || a.url === b.url);
}

/** The backend store.json names, or undefined when it does not exist (or cannot be read). */
export function rememberedStore(profileDir: string): StoreChoice | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(join(profileDir, STORE_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(raw) || typeof raw.backend !== 'string') return undefined;
  if (raw.backend === 'postgres') return typeof raw.url === 'string' ? { kind: 'postgres', url: raw.url } : undefined;
  return raw.backend === 'sqlite' ? { kind: 'sqlite' } : raw.backend === 'conf' ? { kind: 'conf' } : undefined;
}

/** Writes store.json atomically (0600): from now on the profile uses `choice`. */
export function rememberStore(profileDir: string, choice: StoreChoice): void {
  const file = join(profileDir, STORE_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  const doc = choice.kind === 'postgres' ? { backend: 'postgres', url: choice.url } : { backend: choice.kind };
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(doc) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * The backend of this run: the flag or TGSH_STORE when given (remembered when the profile has
 * none yet), else the remembered one, else conf. A flag that names another backend than the
 * remembered one is used for this run only, with a notice.
 */
export function chooseStore(profileDir: string, requested: string | undefined, notice: (t: string) => void): StoreChoice {
  const remembered = rememberedStore(profileDir);
  if (requested === undefined || requested === '') return remembered ?? { kind: 'conf' };
  const wanted = parseStoreChoice(requested);
  if (!remembered) {
    if (wanted.kind !== 'conf') rememberStore(profileDir, wanted);
  } else if (!sameChoice(remembered, wanted)) {
    notice(`tgsh: this profile keeps its peers in ${describeChoice(remembered)}; this run uses ${describeChoice(wanted)} (move them with 'store migrate ${wanted.kind === 'postgres' ? '<url>' : wanted.kind}')`);
  }
  return wanted;
}

export interface BackendPaths {
  dir: string;
  peers: string;
}

/** Creates (does not open) the backend for a choice. */
export async function createBackend(choice: StoreChoice, paths: BackendPaths, lock?: LockOptions): Promise<PeerBackend> {
  switch (choice.kind) {
    case 'conf': {
      const { ConfBackend } = await import('./conf-backend.js');
      return new ConfBackend({ file: paths.peers, lock });
    }
    case 'sqlite': {
      const { SqliteBackend } = await import('./sqlite-backend.js');
      return new SqliteBackend(join(paths.dir, SQLITE_FILE), lock);
    }
    case 'postgres': {
      const { PgBackend } = await import('./pg-backend.js');
      return new PgBackend(choice.url ?? '');
    }
  }
}
