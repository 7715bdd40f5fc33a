// The PostgreSQL store's schema and its versioned migrations. tgsh_schema_version holds the
// version the tables are at; each migration runs in the transaction that records it, under an
// advisory lock, so two processes opening a new database at once migrate it once. A database at
// a newer version than this tgsh knows is read but never written (the caller checks `newer`).

import type { PoolClient } from 'pg';

/** The version this tgsh writes. */
export const PG_SCHEMA = 2;

/** Advisory lock keys (two-int form, class 0x7467 'tg'): migrations, and every write. */
export const LOCK_CLASS = 0x7467;
export const LOCK_MIGRATE = 1;
export const LOCK_WRITE = 2;

const MIGRATIONS: ReadonlyArray<readonly string[]> = [
  // 1: peers (one row per `class:id`, the record as JSON), tombstones, state entries. `seq`
  // (one sequence for all three) tells a process which rows changed since it last looked.
  [
    `CREATE SEQUENCE IF NOT EXISTS tgsh_seq`,
    `CREATE TABLE IF NOT EXISTS tgsh_peers (
       key text PRIMARY KEY,
       print_name text NOT NULL,
       updated_at bigint NOT NULL,
       data text NOT NULL,
       seq bigint NOT NULL DEFAULT nextval('tgsh_seq'))`,
    `CREATE UNIQUE INDEX IF NOT EXISTS tgsh_peers_print_name ON tgsh_peers (print_name)`,
    `CREATE INDEX IF NOT EXISTS tgsh_peers_seq ON tgsh_peers (seq)`,
    `CREATE TABLE IF NOT EXISTS tgsh_tombstones (
       key text PRIMARY KEY,
       at bigint NOT NULL,
       seq bigint NOT NULL DEFAULT nextval('tgsh_seq'))`,
    `CREATE INDEX IF NOT EXISTS tgsh_tombstones_seq ON tgsh_tombstones (seq)`,
    `CREATE TABLE IF NOT EXISTS tgsh_state (
       name text PRIMARY KEY,
       value text NOT NULL,
       updated_at bigint NOT NULL,
       seq bigint NOT NULL DEFAULT nextval('tgsh_seq'))`,
  ],
  // 2: who polls each bot (pid, host, mode, since), written by the holder of the bot's advisory
  // lock. `backend_pid` is its lock's session: a row is believed only while pg_locks shows that
  // session holding the lock, so a holder that died (and lost its lock with its session) is
  // never reported.
  [
    `CREATE TABLE IF NOT EXISTS tgsh_pollers (
       bot_id bigint PRIMARY KEY,
       pid integer NOT NULL,
       host text NOT NULL,
       mode text NOT NULL,
       since bigint NOT NULL,
       backend_pid integer NOT NULL)`,
  ],
];

export interface SchemaReport {
  /** The version found when newer than PG_SCHEMA (read-only), else undefined. */
  newer: number | undefined;
  migratedFrom: number | undefined;
}

/** Creates or migrates the tables; `c` is a dedicated client (not in a transaction). */
export async function ensureSchema(c: PoolClient): Promise<SchemaReport> {
  // Up to date (the common case): no DDL and no lock, so a read-only server can still be read.
  const current = await readVersion(c);
  if (current === PG_SCHEMA) return { newer: undefined, migratedFrom: undefined };
  if (current !== undefined && current > PG_SCHEMA) return { newer: current, migratedFrom: undefined };
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_MIGRATE]);
    await c.query('CREATE TABLE IF NOT EXISTS tgsh_schema_version (version integer NOT NULL)');
    const r = await c.query<{ version: number }>('SELECT max(version) AS version FROM tgsh_schema_version');
    const found = r.rows[0]?.version ?? 0;
    if (found > PG_SCHEMA) {
      await c.query('COMMIT');
      return { newer: found, migratedFrom: undefined };
    }
    for (let v = found; v < PG_SCHEMA; v++) for (const sql of MIGRATIONS[v] ?? []) await c.query(sql);
    if (found < PG_SCHEMA) {
      await c.query('DELETE FROM tgsh_schema_version');
      await c.query('INSERT INTO tgsh_schema_version (version) VALUES ($1)', [PG_SCHEMA]);
    }
    await c.query('COMMIT');
    return { newer: undefined, migratedFrom: found > 0 && found < PG_SCHEMA ? found : undefined };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

async function readVersion(c: PoolClient): Promise<number | undefined> {
  const t = await c.query<{ t: string | null }>(`SELECT to_regclass('tgsh_schema_version')::text AS t`);
  if (!t.rows[0]?.t) return undefined;
  const r = await c.query<{ version: number | null }>('SELECT max(version) AS version FROM tgsh_schema_version');
  return r.rows[0]?.version ?? undefined;
}
