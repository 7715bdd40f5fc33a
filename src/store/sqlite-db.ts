// The SQLite driver (better-sqlite3, synchronous): the file peers.sqlite in the profile (0600,
// WAL, a busy timeout so several processes can write), its versioned schema (PRAGMA
// user_version, one migration per version, each in its own transaction) and the prepared
// statements the index and the backend use. Every lookup is an indexed query: opening costs the
// same at ten peers as at a million.
//
// Schema 1:
//   peers(key 'class:id' PK, print_name, pn_lower, updated_at, data JSON record); one unique index
//     on (pn_lower, print_name) serves exact, case-insensitive and prefix lookups, and keeps print
//     names unique (pn_lower is a function of print_name)
//   usernames(name lower-cased PK, display, key, checked_at): who holds a username now (a record's
//     own entries are found through its usernames: no index on key, one b-tree less per insert)
//   tombstones(key PK, at): forgotten peers, kept TOMBSTONE_TTL_MS
//   state(name PK, value JSON, updated_at): update offsets per bot...
//   meta(name PK, value): peer_count (kept by each write transaction: count(*) is a full scan)

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { ErrorCode, TgshError } from '../core/errors.js';
import BetterSqlite3 from 'better-sqlite3';

type Database = BetterSqlite3.Database;
type Statement<P extends unknown[], R> = BetterSqlite3.Statement<P, R>;

export const SQLITE_SCHEMA = 1;

/** The page size of a new file (SQLite's default is 4 KB; a peer row is ~300 bytes). */
const PAGE_SIZE = 8192;
/** SQLite's page cache (KiB), and while a write of at least BIG_WRITE_ROWS changes runs. */
const CACHE_KB = 65_536;
export const BIG_WRITE_CACHE_KB = 262_144;
export const BIG_WRITE_ROWS = 50_000;
/** How long a write waits for another process's write lock. */
export const BUSY_TIMEOUT_MS = 15_000;

/** The print-name index (schema 1): exact, case-insensitive and prefix lookups; names unique. */
export const NAMES_INDEX = 'CREATE UNIQUE INDEX peers_names ON peers(pn_lower, print_name)';

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE peers (
      key TEXT PRIMARY KEY,
      print_name TEXT NOT NULL,
      pn_lower TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      data TEXT NOT NULL
    ) WITHOUT ROWID;
    ${NAMES_INDEX};
    CREATE TABLE usernames (
      name TEXT PRIMARY KEY,
      display TEXT NOT NULL,
      key TEXT NOT NULL,
      checked_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE tombstones (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE state (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO meta(name, value) VALUES ('peer_count', 0);
  `,
};

export interface PeerRow {
  key: string;
  print_name: string;
  updated_at: number;
  data: string;
}

export class SqliteDb {
  readonly db: Database;
  /** The file's schema when it is newer than this tgsh knows (read, never written). */
  readonly newerSchema: number | undefined;
  readonly s: {
    peer: Statement<[string], PeerRow>;
    head: Statement<[string], { updated_at: number | null; print_name: string | null; data: string | null; tomb: number | null }>;
    tombCount: Statement<[], { n: number }>;
    keyByPrintName: Statement<[string, string], { key: string }>;
    keyByUsername: Statement<[string], { key: string; checked_at: number }>;
    printNameByLower: Statement<[string], { key: string; print_name: string }>;
    completePrintNames: Statement<[string, string, number], { key: string; print_name: string; pn_lower: string }>;
    completeUsernames: Statement<[string, string, number], { key: string; name: string; display: string }>;
    all: Statement<[], PeerRow>;
    exists: Statement<[string], { one: number }>;
    count: Statement<[], { value: number }>;
    addCount: Statement<[number], unknown>;
    upsertPeer: Statement<[string, string, string, number, string], unknown>;
    deletePeer: Statement<[string], unknown>;
    dropUsername: Statement<[string, string], unknown>;
    claimUsername: Statement<[string, string, string, number], unknown>;
    tomb: Statement<[string], { at: number }>;
    setTomb: Statement<[string, number], unknown>;
    deleteTomb: Statement<[string], unknown>;
    expireTombs: Statement<[number], unknown>;
    tombs: Statement<[], { key: string; at: number }>;
    state: Statement<[string], { value: string; updated_at: number }>;
    states: Statement<[], { name: string; value: string; updated_at: number }>;
    setState: Statement<[string, string, number], unknown>;
  };

  constructor(
    driver: SqliteDriver,
    readonly file: string,
  ) {
    // Created 0600 before SQLite opens it; its -wal and -shm files take the same mode.
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) fs.closeSync(fs.openSync(file, 'a', 0o600));
    this.db = new driver.Database(file, { timeout: BUSY_TIMEOUT_MS, nativeBinding: driver.nativeBinding });
    const db = this.db;
    // Bigger pages make the SQLite part of a million-peer import ~20% faster. Only an empty file
    // takes them: before its first table (WAL mode fixes the size).
    if (!size) db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives the process being killed (SIGKILL, OOM)
    // at any point; only a power loss may take the last commits. FULL would add an fsync to every
    // flush (one command, one flush).
    db.pragma('synchronous = NORMAL');
    // 64 MB of page cache: a big write transaction (an import) touches many index pages.
    db.pragma(`cache_size = -${CACHE_KB}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    this.newerSchema = version > SQLITE_SCHEMA ? version : undefined;
    if (version < SQLITE_SCHEMA) this.migrate();
    this.s = {
      peer: db.prepare('SELECT key, print_name, updated_at, data FROM peers WHERE key = ?'),
      head: db.prepare('SELECT p.updated_at, p.print_name, p.data, t.at AS tomb FROM (SELECT ? AS k) x LEFT JOIN peers p ON p.key = x.k LEFT JOIN tombstones t ON t.key = x.k'),
      tombCount: db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM tombstones LIMIT 1)'),
      keyByPrintName: db.prepare('SELECT key FROM peers WHERE pn_lower = ? AND print_name = ?'),
      keyByUsername: db.prepare('SELECT key, checked_at FROM usernames WHERE name = ?'),
      printNameByLower: db.prepare('SELECT key, print_name FROM peers WHERE pn_lower = ? ORDER BY print_name LIMIT 8'),
      completePrintNames: db.prepare('SELECT key, print_name, pn_lower FROM peers WHERE pn_lower >= ? AND pn_lower < ? ORDER BY pn_lower, print_name LIMIT ?'),
      completeUsernames: db.prepare('SELECT key, name, display FROM usernames WHERE name >= ? AND name < ? ORDER BY name LIMIT ?'),
      all: db.prepare('SELECT key, print_name, updated_at, data FROM peers'),
      exists: db.prepare('SELECT 1 AS one FROM peers WHERE key = ?'),
      count: db.prepare("SELECT value FROM meta WHERE name = 'peer_count'"),
      addCount: db.prepare("UPDATE meta SET value = value + ? WHERE name = 'peer_count'"),
      upsertPeer: db.prepare(
        'INSERT INTO peers(key, print_name, pn_lower, updated_at, data) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(key) DO UPDATE SET print_name = excluded.print_name, pn_lower = excluded.pn_lower, updated_at = excluded.updated_at, data = excluded.data',
      ),
      deletePeer: db.prepare('DELETE FROM peers WHERE key = ?'),
      dropUsername: db.prepare('DELETE FROM usernames WHERE name = ? AND key = ?'),
      // The fresher claim on a username wins (the other record is out of date).
      claimUsername: db.prepare(
        'INSERT INTO usernames(name, display, key, checked_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT(name) DO UPDATE SET display = excluded.display, key = excluded.key, checked_at = excluded.checked_at WHERE excluded.checked_at >= usernames.checked_at',
      ),
      tomb: db.prepare('SELECT at FROM tombstones WHERE key = ?'),
      setTomb: db.prepare('INSERT INTO tombstones(key, at) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET at = max(at, excluded.at)'),
      deleteTomb: db.prepare('DELETE FROM tombstones WHERE key = ?'),
      expireTombs: db.prepare('DELETE FROM tombstones WHERE at < ?'),
      tombs: db.prepare('SELECT key, at FROM tombstones'),
      state: db.prepare('SELECT value, updated_at FROM state WHERE name = ?'),
      states: db.prepare('SELECT name, value, updated_at FROM state'),
      setState: db.prepare(
        'INSERT INTO state(name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at WHERE excluded.updated_at >= state.updated_at',
      ),
    };
    try {
      fs.chmodSync(file, 0o600);
    } catch {
      // not ours to change
    }
  }

  /** Brings the file to SQLITE_SCHEMA, one version per transaction (another process may race: it re-checks under the write lock). */
  private migrate(): void {
    for (;;) {
      const done = this.db
        .transaction((): boolean => {
          const v = this.db.pragma('user_version', { simple: true }) as number;
          if (v >= SQLITE_SCHEMA) return true;
          const sql = MIGRATIONS[v + 1];
          if (!sql) throw new Error(`no migration of peers.sqlite from schema ${v}`);
          this.db.exec(sql);
          this.db.pragma(`user_version = ${v + 1}`);
          return false;
        })
        .immediate();
      if (done) return;
    }
  }

  /** The key of the peer with this exact print name. */
  keyOfPrintName(name: string): string | undefined {
    return this.s.keyByPrintName.get(name.toLowerCase(), name)?.key;
  }

  /** Drops the username entries a stored record holds (those other records took are theirs). */
  dropUsernamesOf(key: string, data: string | null): void {
    if (!data) return;
    let names: unknown;
    try {
      names = (JSON.parse(data) as { usernames?: unknown }).usernames;
    } catch {
      return;
    }
    if (!Array.isArray(names)) return;
    for (const u of names) if (typeof u === 'string') this.s.dropUsername.run(u.toLowerCase(), key);
  }

  /**
   * Runs `write` in one BEGIN IMMEDIATE transaction. A big one (an import, a migration: `rows`
   * changes) gets a page cache of 256 MB while it runs: its index inserts land all over three
   * b-trees, and the default 64 MB made SQLite write out and read back the same pages (measured:
   * 1,000,000 imported peers, about 2 s less).
   */
  writeTransaction(rows: number, write: () => void): void {
    const big = rows >= BIG_WRITE_ROWS;
    let rollbackJournal = false;
    try {
      if (big) this.db.pragma(`cache_size = -${BIG_WRITE_CACHE_KB}`);
      if (big && this.count() === 0) rollbackJournal = this.setJournalMode('delete');
      this.db.transaction(write).immediate();
    } catch (e) {
      throw sqliteFailure(e, this.file, 'saving the changes');
    } finally {
      if (big && this.db.open) this.db.pragma(`cache_size = -${CACHE_KB}`);
      if (rollbackJournal && this.db.open) this.setJournalMode('wal');
    }
  }

  /**
   * A first big write into an empty file (an import, a migration) goes through a rollback journal:
   * the WAL would take every page twice, into the log and then into the file at the checkpoint
   * (1,000,000 imported peers: 32.7 s -> 27.2 s). SQLite changes the mode only when no other
   * connection has the file open; then it stays WAL. Back to WAL after the write (should that fail,
   * every open sets WAL again). True when the mode is now `mode`.
   */
  setJournalMode(mode: 'delete' | 'wal'): boolean {
    // Not waiting for other connections: with one open the answer is simply no.
    this.db.pragma('busy_timeout = 0');
    try {
      return String(this.db.pragma(`journal_mode = ${mode}`, { simple: true })).toLowerCase() === mode;
    } catch {
      return false;
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /**
   * Inside a write transaction on an empty file: runs `fill` with the print-name index dropped, then
   * builds it in one sort (1,000,000 imported peers: about 4 s less than updating it row by row, in
   * random order, 1M times). The names `fill` writes must be unique already: a clash throws
   * SQLITE_CONSTRAINT_UNIQUE from the CREATE (see isNamesClash) and the transaction must roll back.
   */
  fillWithoutNamesIndex(fill: () => void): void {
    this.db.exec('DROP INDEX peers_names');
    fill();
    this.db.exec(NAMES_INDEX);
  }

  count(): number {
    return this.s.count.get()?.value ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** better-sqlite3's class, and the path of its addon when found where npm builds it. */
export interface SqliteDriver {
  Database: typeof BetterSqlite3;
  nativeBinding?: string;
}

/** better-sqlite3's entry file, for a worker thread that loads the package itself (sqlite-bulk.ts). */
export function sqliteDriverEntry(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3');
  } catch {
    return undefined;
  }
}

/**
 * better-sqlite3, loaded only by a profile that uses the sqlite backend (sqlite-db.ts is imported
 * only by sqlite-backend.ts, itself loaded on demand). The bundle holds its JavaScript; its addon
 * is opened by path, not searched for through the `bindings` package (a dozen stat calls). Another
 * build layout (no build/Release) gets the package from node_modules, which finds its addon itself.
 */
export function loadSqliteDriver(): SqliteDriver {
  const require = createRequire(import.meta.url);
  try {
    return { Database: BetterSqlite3, nativeBinding: require.resolve('better-sqlite3/build/Release/better_sqlite3.node') };
  } catch {
    return { Database: require('better-sqlite3') as typeof BetterSqlite3 };
  }
}

/** True for SQLite's refusal of a print name another row holds (the unique index). */
export function isNamesClash(e: unknown): boolean {
  return (e as { code?: unknown } | undefined)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * What SQLite refused, as one TgshError naming the store file: a full disk (or a file-size limit:
 * SQLite sees EFBIG as an I/O error), a read-only file or folder, a busy lock, a damaged file.
 * Anything else (a constraint tgsh should have kept) is returned as it was: a bug, reported as one.
 */
export function sqliteFailure(e: unknown, file: string, doing: string): unknown {
  if (e instanceof TgshError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const what = `the sqlite store ${file}`;
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new TgshError(ErrorCode.SERVER, `${what}: ${doing} failed (${raw})`, { hint: 'the disk may be full or a file-size limit (ulimit -f) reached: free space, then run the command again' });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new TgshError(ErrorCode.SERVER, `${what} is read-only; ${doing} failed (${raw})`, { hint: 'check the permissions of the file and its folder' });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TgshError(ErrorCode.SERVER, `${what} stayed locked by another process; ${doing} failed (${raw})`, { hint: 'another tgsh holds a long write; try again' });
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return new TgshError(ErrorCode.SERVER, `${what} can not be opened (${raw})`, { hint: 'check that its folder exists and is writable' });
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new TgshError(ErrorCode.SERVER, `${what} is damaged (${raw})`, { hint: "'store migrate conf' may copy what can be read; or move the file away and import an export" });
  }
  return e;
}
