// The sqlite backend beyond the contract: several processes writing at once, a writer killed
// with SIGKILL in the middle of its batches, the file's mode, the choice of backend, migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rememberStore, rememberedStore, chooseStore } from '../../src/store/choice.js';
import { migrateStore } from '../../src/store/migrate.js';
import { buildStoreForChildren, open, spawnWriter, tempProfile, type TempProfile } from './helpers.js';

let build: ReturnType<typeof buildStoreForChildren>;
const profiles: TempProfile[] = [];

function sqliteProfile(): TempProfile {
  const p = tempProfile();
  profiles.push(p);
  return p;
}

/** A profile that remembers sqlite (as `--store sqlite` once used leaves it). */
async function rememberSqlite(p: TempProfile): Promise<void> {
  const s = await open(p, { store: 'sqlite' });
  await s.close();
}

beforeAll(() => {
  build = buildStoreForChildren();
}, 120_000);

afterAll(() => {
  build?.cleanup();
  for (const p of profiles) p.cleanup();
});

describe('sqlite: processes writing at once', () => {
  it('four processes adding 1,000 peers each in batches keep all 4,000, with unique print names', async () => {
    const p = sqliteProfile();
    await rememberSqlite(p);
    const startAt = Date.now() + 1500;
    const writers = [0, 1, 2, 3].map((w) => spawnWriter(build.dist, ['add', p.dir, String(10_000 + w * 1000), '1000', '25', String(startAt)]));
    const exits = await Promise.all(writers.map((w) => w.exited));
    for (const [i, e] of exits.entries()) expect(e.code, writers[i]!.stderr.join('')).toBe(0);
    const s = await open(p);
    expect(s.backend.kind).toBe('sqlite');
    expect(s.size).toBe(4000);
    const all = s.all();
    expect(new Set(all.map((r) => r.id)).size).toBe(4000);
    expect(new Set(all.map((r) => r.printName)).size).toBe(4000);
    for (const r of all) expect(r.printName).toMatch(new RegExp(`^Name${r.id % 10}(#\\d+)?$`));
    for (let i = 10_000; i < 14_000; i += 97) expect(s.byUsername(`@U${i}`)?.id, `u${i}`).toBe(i);
    expect(existsSync(join(p.dir, 'peers.json'))).toBe(false);
    await s.close();
  });

  it('a writer killed with SIGKILL mid-batch loses no batch it reported written', async () => {
    const p = sqliteProfile();
    await rememberSqlite(p);
    const w = spawnWriter(build.dist, ['batch-loop', p.dir, '1000', '500']);
    await w.waitFor((l) => l === 'ok 3499');
    // Some time inside later batches (upserting or committing), then the kill.
    await new Promise((r) => setTimeout(r, 137));
    w.proc.kill('SIGKILL');
    const { signal } = await w.exited;
    expect(signal).toBe('SIGKILL');
    const acked = Math.max(...w.lines.filter((l) => l.startsWith('ok ')).map((l) => Number(l.slice(3))));
    expect(acked).toBeGreaterThanOrEqual(3499);
    const s = await open(p);
    for (let i = 1000; i <= acked; i++) expect(s.get('user', i), `user ${i}`).toBeDefined();
    // Whole batches only: a batch is one transaction.
    expect((s.size % 500)).toBe(0);
    expect(s.size).toBeGreaterThanOrEqual(acked - 999);
    s.upsert({ kind: 'user', id: 1, firstName: 'After' }, 'mtproto');
    await s.flush();
    await s.close();
  });
});

describe('sqlite: files and choice', () => {
  it('peers.sqlite and its WAL files are 0600 whatever the umask; the profile folder 0700', async () => {
    const p = sqliteProfile();
    const old = process.umask(0);
    try {
      const s = await open(p, { store: 'sqlite' });
      s.upsert({ kind: 'user', id: 5, firstName: 'Ann' }, 'mtproto');
      await s.flush();
      for (const f of ['peers.sqlite', 'peers.sqlite-wal', 'peers.sqlite-shm', 'store.json']) {
        const file = join(p.dir, f);
        if (f !== 'peers.sqlite-shm' || existsSync(file)) expect((statSync(file).mode & 0o777).toString(8), f).toBe('600');
      }
      expect((statSync(p.dir).mode & 0o777).toString(8)).toBe('700');
      await s.close();
    } finally {
      process.umask(old);
    }
  });

  it('remembers the backend once used; conf by default; a different flag is used for that run only, with a notice', async () => {
    const p = sqliteProfile();
    const notices: string[] = [];
    expect(chooseStore(p.dir, undefined, (t) => notices.push(t))).toEqual({ kind: 'conf' });
    await rememberSqlite(p);
    expect(rememberedStore(p.dir)).toEqual({ kind: 'sqlite' });
    expect(JSON.parse(readFileSync(join(p.dir, 'store.json'), 'utf8'))).toEqual({ backend: 'sqlite' });
    expect(chooseStore(p.dir, undefined, (t) => notices.push(t))).toEqual({ kind: 'sqlite' });
    expect(chooseStore(p.dir, 'conf', (t) => notices.push(t))).toEqual({ kind: 'conf' });
    expect(notices.join('\n')).toContain("this profile keeps its peers in sqlite; this run uses conf");
    expect(rememberedStore(p.dir)).toEqual({ kind: 'sqlite' });
    expect(() => chooseStore(p.dir, 'mysql', () => {})).toThrow(/unknown store/);
    notices.length = 0;
    chooseStore(p.dir, 'postgres://tgsh:hunter2@db.example/tgsh', (t) => notices.push(t));
    expect(notices.join('')).not.toContain('hunter2');
    expect(notices.join('')).toContain('postgres://tgsh:***@db.example/tgsh');
  });
});

describe('store migrate', () => {
  it('copies peers, consent, tombstones and offsets to sqlite and back, switching the profile', async () => {
    const p = sqliteProfile();
    const s = await open(p);
    s.upsert({ kind: 'user', id: 1, firstName: 'Ann', usernames: ['ann_a'] }, 'mtproto');
    s.upsert({ kind: 'user', id: 2, firstName: 'Bob' }, 'mtproto');
    s.upsert({ kind: 'channel', id: 3, title: 'News' }, 'botapi');
    s.useBot(42);
    s.setConsent({ cls: 'user', id: 1 }, 'started');
    s.setUpdateOffset(777);
    s.forget({ cls: 'user', id: 2 });
    await s.flush();
    const r = await migrateStore({ store: s, target: { kind: 'sqlite' }, paths: p.paths });
    expect(r).toMatchObject({ from: 'conf', to: 'sqlite', peers: 2, tombstones: 1 });
    expect(rememberedStore(p.dir)).toEqual({ kind: 'sqlite' });
    // The running store goes on, on the new backend.
    expect(s.backend.kind).toBe('sqlite');
    s.upsert({ kind: 'user', id: 4, firstName: 'Cy' }, 'mtproto');
    await s.close();
    const again = await open(p);
    again.useBot(42);
    expect(again.backend.kind).toBe('sqlite');
    expect(again.size).toBe(3);
    expect(again.byUsername('ANN_A')?.printName).toBe('Ann');
    expect(again.consentOf(again.get('user', 1)!)?.state).toBe('started');
    expect(again.getUpdateOffset()).toBe(777);
    expect([...again.backend.tombstones()].map(([k]) => k)).toEqual(['user:2']);
    const back = await migrateStore({ store: again, target: { kind: 'conf' }, paths: p.paths });
    expect(back).toMatchObject({ from: 'sqlite', to: 'conf', peers: 3 });
    await again.close();
    const conf = await open(p);
    expect(conf.backend.kind).toBe('conf');
    expect(conf.get('user', 4)?.printName).toBe('Cy');
    await conf.close();
  });

  it('an interrupted migration leaves the old store in charge', async () => {
    const p = sqliteProfile();
    const s = await open(p);
    s.upsert({ kind: 'user', id: 1, firstName: 'Ann' }, 'mtproto');
    await s.flush();
    await expect(
      migrateStore({
        store: s,
        target: { kind: 'sqlite' },
        paths: p.paths,
        beforeSwitch: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(rememberedStore(p.dir)).toBeUndefined();
    expect(s.backend.kind).toBe('conf');
    s.upsert({ kind: 'user', id: 2, firstName: 'Bob' }, 'mtproto');
    await s.close();
    const again = await open(p);
    expect(again.backend.kind).toBe('conf');
    expect(again.size).toBe(2);
    // A second attempt starts the copy afresh and completes.
    await migrateStore({ store: again, target: { kind: 'sqlite' }, paths: p.paths });
    expect(again.size).toBe(2);
    await again.close();
    expect(rememberedStore(p.dir)).toEqual({ kind: 'sqlite' });
  });

  it('a conf profile of 200,000 peers is told once about sqlite', async () => {
    const p = sqliteProfile();
    const s = await open(p);
    const inputs = [];
    for (let i = 1; i <= 200_000; i++) inputs.push({ kind: 'user' as const, id: i, firstName: `N${i % 100}` });
    s.upsertMany(inputs, 'mtproto');
    await s.close();
    expect(p.notices).toEqual([]);
    const again = await open(p);
    expect(p.notices.filter((n) => n.includes("'store migrate sqlite'")).length).toBe(1);
    await again.close();
  });
});
