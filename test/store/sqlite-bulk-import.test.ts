// A big import into an empty peers.sqlite is written by a worker thread while it is merged
// (src/store/sqlite-bulk.ts), in one transaction the flush commits. The store it leaves is the one
// the record-by-record path leaves (peers, print names, username holders, consent, counts); a
// change made before the flush, an invalid record, a close or a SIGKILL never leaves a half import.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { BulkWriter, PrintNameSet, WORKER_SOURCE, type WriterAnswer } from '../../src/store/sqlite-bulk.js';
import { SqliteIndex } from '../../src/store/sqlite-index.js';
import { BIG_WRITE_ROWS } from '../../src/store/sqlite-db.js';
import type { PeerStore } from '../../src/store/peer-store.js';
import { buildStoreForChildren, open, tempProfile, type TempProfile } from './helpers.js';

const N = BIG_WRITE_ROWS + 2_000;
const profiles: TempProfile[] = [];
afterAll(() => {
  for (const p of profiles) p.cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function profile(): TempProfile {
  const p = tempProfile();
  profiles.push(p);
  return p;
}

/** An export of n peers: namesakes, given print names (some clashing), a username claimed twice, consent. */
function exportDoc(n: number, opts: { badLast?: boolean } = {}): unknown {
  const peers: Array<Record<string, unknown>> = [];
  for (let i = 1; i <= n; i++) {
    const id = 1_000_000 + i;
    const r = i % 10;
    if (r === 0) peers.push({ kind: 'supergroup', id, title: `Group ${i % 50}`, usernames: [`g_${i}`], firstSeen: 1, lastSeen: 2 });
    else if (r === 1) peers.push({ kind: 'user', id, firstName: 'Ann', lastName: `Lee${i % 3}`, printName: i % 20 === 1 ? 'Ann_Lee1#2' : `Given_${i}`, usernames: [`u_${i}`], firstSeen: 1, lastSeen: 2 });
    else if (r === 2) peers.push({ kind: 'user', id, usernames: [`shared_${i % 100}`], usernamesCheckedAt: i, firstSeen: 1, lastSeen: 2 });
    else if (r === 3) peers.push({ kind: 'user', id, firstName: 'Bob', printName: `user#${id}`, consent: { state: 'started', at: 5, bot: 77 }, usernames: [], firstSeen: 1, lastSeen: 2 });
    else peers.push({ kind: 'user', id, firstName: `First${i % 300}`, lastName: 'X', usernames: [`u_${i}`], phone: `1555${i}`, firstSeen: 1, lastSeen: 2 });
  }
  if (opts.badLast) peers.push({ kind: 'user', id: -5 });
  return { format: 'tgsh-export', version: 1, exported_at: '2026-12-01T00:00:00.000Z', peer_schema: 2, count: peers.length, peers };
}

interface Snapshot {
  peers: string[];
  usernames: string[];
  count: number;
  meta: number;
  journal: string;
  integrity: string;
}

/** The file as it is on disk, timestamps left out (the two imports ran at different times). */
function snapshot(p: TempProfile): Snapshot {
  const db = new BetterSqlite3(join(p.dir, 'peers.sqlite'), { readonly: true });
  try {
    const peers = (db.prepare('SELECT key, print_name, pn_lower, data FROM peers ORDER BY key').all() as Array<{ key: string; print_name: string; pn_lower: string; data: string }>).map((r) => {
      const d = JSON.parse(r.data) as Record<string, unknown>;
      delete d.updatedAt;
      return `${r.key}|${r.print_name}|${r.pn_lower}|${JSON.stringify(d)}`;
    });
    const usernames = (db.prepare('SELECT name, display, key, checked_at FROM usernames ORDER BY name').all() as unknown[]).map((r) => JSON.stringify(r));
    const count = (db.prepare('SELECT count(*) AS n FROM peers').get() as { n: number }).n;
    const meta = (db.prepare("SELECT value FROM meta WHERE name = 'peer_count'").get() as { value: number }).value;
    const journal = String(db.pragma('journal_mode', { simple: true }));
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    return { peers, usernames, count, meta, journal, integrity };
  } finally {
    db.close();
  }
}

/** Records what the writers answered to commit and abort. */
function watchWriters(): { commits: WriterAnswer[]; aborts: WriterAnswer[] } {
  const seen = { commits: [] as WriterAnswer[], aborts: [] as WriterAnswer[] };
  const commit = BulkWriter.prototype.commit;
  const abort = BulkWriter.prototype.abort;
  vi.spyOn(BulkWriter.prototype, 'commit').mockImplementation(function (this: BulkWriter, ...a) {
    const r = commit.apply(this, a);
    seen.commits.push(r);
    return r;
  });
  vi.spyOn(BulkWriter.prototype, 'abort').mockImplementation(function (this: BulkWriter) {
    const r = abort.apply(this);
    seen.aborts.push(r);
    return r;
  });
  return seen;
}

/** Imports through the record-by-record path (the index offers no bulk add). */
function importOldWay(store: PeerStore, doc: unknown): ReturnType<PeerStore['importDocument']> {
  const index = store.index as SqliteIndex;
  expect(index).toBeInstanceOf(SqliteIndex);
  Object.defineProperty(index, 'startBulkAdd', { value: undefined, configurable: true });
  return store.importDocument(doc);
}

let reference: Snapshot;
let referenceReport: ReturnType<PeerStore['importDocument']>;

beforeAll(async () => {
  const p = profile();
  const store = await open(p, { store: 'sqlite' });
  referenceReport = importOldWay(store, exportDoc(N));
  await store.close();
  reference = snapshot(p);
}, 120_000);

describe('sqlite: a big import into an empty file, written while it runs', () => {
  it('the worker source parses', () => {
    expect(() => new Function(WORKER_SOURCE)).not.toThrow();
  });

  it('leaves the same store as the record-by-record path, committed by the worker', async () => {
    const seen = watchWriters();
    const p = profile();
    const store = await open(p, { store: 'sqlite' });
    const report = store.importDocument(exportDoc(N));
    expect(report).toEqual(referenceReport);
    expect(report.added).toBe(N);
    expect((store.index as SqliteIndex).hasBulk()).toBe(true);
    await store.flush();
    expect(seen.commits).toEqual([{ ok: true }]);
    expect(seen.aborts).toEqual([]);
    expect((store.index as SqliteIndex).hasBulk()).toBe(false);
    // Lookups after the flush come from the file.
    expect(store.size).toBe(N);
    // A username claimed by many records: the fresher claim holds it, as in the old path.
    const holder = reference.usernames.map((u) => JSON.parse(u) as { name: string; key: string }).find((u) => u.name === 'shared_12')?.key;
    expect(holder).toBe(`user:${1_000_000 + N - (N % 100) + 12 - (N % 100 >= 12 ? 0 : 100)}`);
    expect(`user:${store.byUsername('shared_12')?.id}`).toBe(holder);
    expect(store.get('user', 1_000_003)?.consent).toEqual({ state: 'started', at: 5, bot: 77 });
    await store.close();
    const mine = snapshot(p);
    expect(mine.integrity).toBe('ok');
    expect(mine.journal).toBe('wal');
    expect(mine.count).toBe(N);
    expect(mine.meta).toBe(N);
    expect(mine.peers).toEqual(reference.peers);
    expect(mine.usernames).toEqual(reference.usernames);
  }, 120_000);

  it('answers lookups between the import and the flush from memory', async () => {
    const p = profile();
    const store = await open(p, { store: 'sqlite' });
    store.importDocument(exportDoc(N));
    expect(store.size).toBe(N);
    expect(store.byPrintName('Ann_Lee1#2')?.id).toBe(1_000_001);
    expect(store.byUsername('u_5')?.id).toBe(1_000_005);
    expect(store.completions('Given_1011', 5)).toContain('Given_1011');
    await store.close();
    expect(snapshot(p).peers).toEqual(reference.peers);
  }, 120_000);

  it('a change before the flush: the worker rolls back and the flush writes everything the old way', async () => {
    const seen = watchWriters();
    const p = profile();
    const store = await open(p, { store: 'sqlite' });
    store.importDocument(exportDoc(N));
    store.upsert({ kind: 'user', id: 1_000_004, firstName: 'Changed' }, 'mtproto');
    store.forget({ kind: 'user', id: 1_000_006 });
    store.upsert({ kind: 'user', id: 42, firstName: 'New' }, 'mtproto');
    await store.close();
    expect(seen.commits).toEqual([]);
    expect(seen.aborts).toEqual([{ ok: true }]);
    const mine = snapshot(p);
    expect(mine.count).toBe(N);
    expect(mine.meta).toBe(N);
    expect(mine.peers.find((r) => r.startsWith('user:1000004|'))).toContain('"firstName":"Changed"');
    expect(mine.peers.find((r) => r.startsWith('user:1000006|'))).toBeUndefined();
    expect(mine.peers.find((r) => r.startsWith('user:42|'))).toContain('"firstName":"New"');
    // Every other record as the old path wrote it.
    const others = (rows: string[]): string[] => rows.filter((r) => !/^user:(1000004|1000006|42)\|/.test(r));
    expect(others(mine.peers)).toEqual(others(reference.peers));
  }, 120_000);

  it('a writer that fails at the commit: the flush writes everything the old way', async () => {
    // As when another process wrote first (the worker then finds the file not empty): rolled back.
    const abort = BulkWriter.prototype.abort;
    vi.spyOn(BulkWriter.prototype, 'commit').mockImplementation(function (this: BulkWriter) {
      abort.apply(this);
      return { ok: false, code: 'not-empty', message: 'the file is not empty' };
    });
    const p = profile();
    const store = await open(p, { store: 'sqlite' });
    store.importDocument(exportDoc(N));
    await store.flush();
    expect(store.byUsername('u_5')?.id).toBe(1_000_005);
    await store.close();
    const mine = snapshot(p);
    expect(mine.meta).toBe(N);
    expect(mine.peers).toEqual(reference.peers);
    expect(mine.usernames).toEqual(reference.usernames);
  }, 120_000);

  it('an invalid record, even the last one, changes nothing and starts no writer', async () => {
    const seen = watchWriters();
    const p = profile();
    const store = await open(p, { store: 'sqlite' });
    expect(() => store.importDocument(exportDoc(N, { badLast: true }))).toThrow(/invalid peer/);
    expect((store.index as SqliteIndex).hasBulk()).toBe(false);
    await store.close();
    expect(seen.commits).toEqual([]);
    expect(snapshot(p).count).toBe(0);
  }, 120_000);

  it('a store that already holds peers imports record by record', async () => {
    const seen = watchWriters();
    const p = profile();
    const store = await open(p, { store: 'sqlite' });
    store.upsert({ kind: 'user', id: 7, firstName: 'Seven' }, 'mtproto');
    await store.flush();
    store.importDocument(exportDoc(N));
    expect((store.index as SqliteIndex).hasBulk()).toBe(false);
    await store.close();
    expect(seen.commits).toEqual([]);
    expect(snapshot(p).count).toBe(N + 1);
  }, 120_000);
});

describe('sqlite: a big import killed with SIGKILL before its flush', () => {
  let build: { dist: string; cleanup(): void };
  beforeAll(() => {
    build = buildStoreForChildren();
  }, 120_000);
  afterAll(() => build?.cleanup());

  it('leaves the store as it was, and the next import works', async () => {
    const p = profile();
    const seed = await open(p, { store: 'sqlite' });
    seed.setUpdateOffset(123);
    await seed.close();
    const dir = mkdtempSync(join(tmpdir(), 'tgsh-bulk-kill-'));
    const docFile = join(dir, 'export.json');
    writeFileSync(docFile, JSON.stringify(exportDoc(150_000)));
    const script = join(dir, 'import.mjs');
    // Imports, then waits (no flush): the worker is writing into its open transaction.
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
const { openPeerStore } = await import(${JSON.stringify(join(build.dist, 'store', 'index.js'))});
const { profilePaths } = await import(${JSON.stringify(join(build.dist, 'core', 'paths.js'))});
const store = await openPeerStore({ paths: profilePaths(process.argv[2]), notice: () => {}, store: 'sqlite' });
const r = store.importDocument(JSON.parse(readFileSync(process.argv[3], 'utf8')));
console.log('imported ' + r.added + ' ' + store.index.hasBulk());
setInterval(() => {}, 1000);
`,
    );
    try {
      const proc = spawn(process.execPath, [script, p.dir, docFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((res) => proc.on('close', (_c, sig) => res(sig)));
      await new Promise<void>((res, rej) => {
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) res();
        });
        proc.on('close', () => rej(new Error(`exited early: ${out} ${err}`)));
      });
      expect(out.trim()).toBe('imported 150000 true');
      // The worker holds its transaction open: a rollback journal is there.
      expect(existsSync(join(p.dir, 'peers.sqlite-journal'))).toBe(true);
      proc.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const store = await open(p, { store: 'sqlite' });
      expect(store.size).toBe(0);
      expect(store.getUpdateOffset()).toBe(123);
      const report = store.importDocument(JSON.parse(readFileSync(docFile, 'utf8')));
      expect(report.added).toBe(150_000);
      await store.close();
      const after = snapshot(p);
      expect(after.integrity).toBe('ok');
      expect(after.count).toBe(150_000);
      expect(after.meta).toBe(150_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('PrintNameSet', () => {
  it('answers as a plain set of names, and gives the first free form of a base', () => {
    const names = new PrintNameSet();
    const plain = new Set<string>();
    const bases = ['a', 'b', 'user#5', 'user', 'x#0', 'x#01', 'c#1#2'];
    let seed = 1;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      const b = bases[rnd(bases.length)];
      let name: string;
      // A quarter are given names (any suffix), the others the first free form.
      if (rnd(4) === 0) name = rnd(2) ? b : `${b}#${rnd(30)}`;
      else {
        let k = 1;
        if (!plain.has(b)) name = b;
        else {
          while (plain.has(`${b}#${k}`)) k++;
          name = `${b}#${k}`;
        }
        expect(names.firstFree(b)).toBe(name);
      }
      for (const t of [name, `${b}#1`, `${b}#3`, b]) expect(names.has(t)).toBe(plain.has(t));
      if (plain.has(name)) continue;
      plain.add(name);
      names.add(name);
    }
  });
});
