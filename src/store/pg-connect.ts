// The PostgreSQL store's connection: the URL parsed once (the password goes into a Secret at
// once, so no message, notice or `store info` can carry it), the pg driver imported only for a
// postgres profile, and pg's errors turned into one clear TgshError naming the store and where it
// is (exit status 4 for refused credentials).

import type { Pool, PoolConfig } from 'pg';
import { TgshError, ErrorCode } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import { safeUrl } from './safe-url.js';

export interface PgTarget {
  /** Safe to print: no password, no query. */
  location: string;
  config: Omit<PoolConfig, 'password'>;
  password: Secret | undefined;
}

/** `postgres://user[:password]@host[:port]/db[?host=/socket/dir]`; throws a usage error. */
export function parsePgUrl(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `the postgres store URL ${safeUrl(url)} can not be read`, { hint: 'use postgres://user:password@host:5432/database', failure: 'usage' });
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const socketHost = u.searchParams.get('host') ?? undefined;
  const host = socketHost ?? (u.hostname.replace(/^\[|\]$/g, '') || 'localhost');
  const location = safeUrl(url);
  return {
    location,
    config: {
      host,
      port: u.port ? Number(u.port) : 5432,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      database: database || undefined,
      connectionTimeoutMillis: 10_000,
      application_name: 'tgsh',
    },
    password: u.password ? new Secret(decodeURIComponent(u.password)) : undefined,
  };
}

/** A pool of connections to the target (pg loaded here, on first use). */
export async function createPool(t: PgTarget, max = 2): Promise<Pool> {
  const pg = await import('pg');
  const Pool = pg.default?.Pool ?? (pg as unknown as { Pool: typeof import('pg').Pool }).Pool;
  const pool = new Pool({ ...t.config, password: t.password?.reveal(), max });
  // An idle connection the server drops must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return pool;
}

const AUTH_CODES = new Set(['28P01', '28000']);

/** pg's error (or a socket error) as one TgshError that names the store; never with the password. */
export function pgFailure(e: unknown, location: string, doing: string): TgshError {
  if (e instanceof TgshError) return e;
  const err = e as { code?: string; message?: string; errno?: number };
  const code = typeof err.code === 'string' ? err.code : '';
  const what = `the postgres store at ${location}`;
  const raw = (err.message ?? String(e)).split('\n')[0] ?? '';
  if (AUTH_CODES.has(code)) {
    return new TgshError(ErrorCode.NOT_LOGGED_IN, `${what} refused the credentials (${raw})`, { failure: 'auth', hint: 'check the user and password in the --store URL' });
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT', 'ECONNRESET'].includes(code) || /timeout|terminated unexpectedly|Connection terminated/i.test(raw)) {
    return new TgshError(ErrorCode.SERVER, `${what} can not be reached (${code || raw})`, { hint: 'check that the server runs and the host and port in the --store URL' });
  }
  if (code === '3D000') return new TgshError(ErrorCode.SERVER, `${what}: ${raw}`, { hint: 'create the database first (createdb)' });
  if (code === '25006') return new TgshError(ErrorCode.SERVER, `${what} is read-only; ${doing} failed`, { hint: 'use a writable server (not a standby) or a user allowed to write' });
  if (code === '53100' || code === '53000' || code === '54000') return new TgshError(ErrorCode.SERVER, `${what} is full (${raw}); ${doing} failed`, { hint: 'free space on the database server' });
  if (code === '42501') return new TgshError(ErrorCode.SERVER, `${what}: permission denied (${raw}); ${doing} failed`, { hint: 'grant the user the right to create and change tables in that database' });
  return new TgshError(ErrorCode.SERVER, `${what}: ${doing} failed (${code ? code + ': ' : ''}${raw})`);
}
