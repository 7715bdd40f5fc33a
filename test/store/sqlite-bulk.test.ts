// A first big write into an empty peers.sqlite goes through a rollback journal (the WAL would take
// every page twice) and the file is in WAL mode again afterwards; with another connection open the
// mode can not change and the write goes through the WAL as before. Either way every row lands.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSqliteDriver, SqliteDb } from '../../src/store/sqlite-db.js';

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
