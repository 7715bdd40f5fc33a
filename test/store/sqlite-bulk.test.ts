// A first big write into an empty peers.sqlite goes through a rollback journal (the WAL would take
// every page twice) and the file is in WAL mode again afterwards; with another connection open the
// mode can not change and the write goes through the WAL as before. Either way every row lands.
// Such a write also builds the print-name index once, at the end: the index is there afterwards
// and still keeps names unique, and a clash (which one overlay never holds) rolls the write back
// and writes it again row by row, the second holder of the name renamed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNamesClash, loadSqliteDriver, SqliteDb } from '../../src/store/sqlite-db.js';
import { SqliteBackend } from '../../src/store/sqlite-backend.js';
import type { Changes } from '../../src/store/backend.js';
import type { PeerRecord } from '../../src/peers/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'tgsh-sqlite-bulk-'));
  dirs.push(d);
  return join(d, 'peers.sqlite');
}

/** Writes n peers in one big transaction, noting the journal mode seen inside it. */
function bulk(db: SqliteDb, n: number): string {
  let mode = '';
  db.writeTransaction(n, () => {
    mode = String(db.db.pragma('journal_mode', { simple: true }));
    for (let i = 0; i < n; i++) db.s.upsertPeer.run(`user:${i + 1}`, `P${i}`, `p${i}`, 1, JSON.stringify({ kind: 'user', id: i + 1, printName: `P${i}`, usernames: [] }));
    db.s.addCount.run(n);
  });
  return mode;
}

describe('sqlite: a first big write', () => {
  it('into an empty file uses a rollback journal, then the file is WAL again', () => {
    const driver = loadSqliteDriver();
    const db = new SqliteDb(driver, file());
    expect(bulk(db, 60_000)).toBe('delete');
    expect(db.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.count()).toBe(60_000);
    // A second big write is not into an empty file: the WAL, as always.
    db.writeTransaction(60_000, () => db.s.addCount.run(0));
    expect(db.db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('with another connection open stays in WAL mode, and loses nothing', () => {
    const driver = loadSqliteDriver();
    const f = file();
    const other = new SqliteDb(driver, f);
    const db = new SqliteDb(driver, f);
    expect(bulk(db, 60_000)).toBe('wal');
    expect(other.count()).toBe(60_000);
    expect((other.db.prepare('SELECT count(*) AS n FROM peers').get() as { n: number }).n).toBe(60_000);
    db.close();
    other.close();
  });
});

function user(i: number, printName: string): PeerRecord {
  return { kind: 'user', id: i, usernames: [`u_${i}`], printName, sources: ['import'], firstSeen: 1, lastSeen: 1, firstName: 'Same', updatedAt: 10 };
}

function indexes(db: SqliteDb): string[] {
  return (db.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'peers' AND sql IS NOT NULL").all() as { name: string }[]).map((r) => r.name);
}

describe('sqlite: the print-name index of a first big write', () => {
  it('is built at the end, used by lookups and keeps names unique afterwards', async () => {
    const f = file();
    const backend = new SqliteBackend(f);
    const index = await backend.open(() => {});
    const changes: Changes = { peers: new Map(), state: new Map() };
    for (let i = 1; i <= 60_000; i++) changes.peers.set(`user:${i}`, user(i, `Same#${i}`));
    await backend.apply(changes, 20);
    expect(index.byPrintName('Same#59999')?.id).toBe(59_999);
    await backend.close();
    const db = new SqliteDb(loadSqliteDriver(), f);
    expect(indexes(db)).toEqual(['peers_names']);
    const plan = db.db.prepare("EXPLAIN QUERY PLAN SELECT key FROM peers WHERE pn_lower = 'same#7' AND print_name = 'Same#7'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('peers_names');
    let refused: unknown;
    try {
      db.s.upsertPeer.run('user:999999', 'Same#7', 'same#7', 1, '{}');
    } catch (e) {
      refused = e;
    }
    expect(isNamesClash(refused)).toBe(true);
    db.close();
  });

  it('that clashes rolls back, and the write goes again row by row with the clash renamed', async () => {
    const f = file();
    const backend = new SqliteBackend(f);
    const index = await backend.open(() => {});
    const changes: Changes = { peers: new Map(), state: new Map() };
    for (let i = 1; i <= 60_000; i++) changes.peers.set(`user:${i}`, user(i, i === 2 ? 'Same#1' : `Same#${i}`));
    await backend.apply(changes, 20);
    expect(index.size).toBe(60_000);
    expect(index.get('user:1')?.printName).toBe('Same#1');
    const second = index.get('user:2')?.printName;
    expect(second).toMatch(/^Same(#\d+)?$/);
    expect(second).not.toBe('Same#1');
    await backend.close();
    const db = new SqliteDb(loadSqliteDriver(), f);
    expect(indexes(db)).toEqual(['peers_names']);
    expect((db.db.prepare('SELECT count(DISTINCT print_name) AS n FROM peers').get() as { n: number }).n).toBe(60_000);
    db.close();
  });
});

describe('sqlite: page size', () => {
  it('is 8 KB in a new file; a file made with 4 KB pages keeps them and opens as before', () => {
    const driver = loadSqliteDriver();
    const fresh = new SqliteDb(driver, file());
    expect(fresh.db.pragma('page_size', { simple: true })).toBe(8192);
    bulk(fresh, 10);
    fresh.db.close();

    const old = file();
    const made = new driver.Database(old);
    made.pragma('page_size = 4096');
    made.exec('CREATE TABLE t(x)');
    made.close();
    const db = new SqliteDb(driver, old);
    expect(db.db.pragma('page_size', { simple: true })).toBe(4096);
    bulk(db, 10);
    expect(db.db.prepare('SELECT count(*) AS n FROM peers').get()).toEqual({ n: 10 });
    db.db.close();
  });
});
