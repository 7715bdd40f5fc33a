// Several real processes on one store: no lost updates, forget sticks, SIGKILL never leaves a
// broken file, and a lock left by a dead process is taken over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { buildStoreForChildren, open, readStoreFile, spawnWriter, tempProfile, type StoreFile, type TempProfile } from './helpers.js';

let build: { dist: string; cleanup(): void };
const profiles: TempProfile[] = [];
function profile(): TempProfile {
  const p = tempProfile();
  profiles.push(p);
  return p;
}

beforeAll(() => {
  build = buildStoreForChildren();
}, 120_000);

afterAll(() => {
  build?.cleanup();
  for (const p of profiles) p.cleanup();
});

/** An owner note as lock.ts writes them: `<file>.lock-owner.<pid>.<n>.<host>`. */
function ownerNote(p: TempProfile, pid: number): void {
  writeFileSync(`${p.paths.peers}.lock-owner.${pid}.0.${hostname().replace(/[^A-Za-z0-9-]/g, '_')}`, '');
}

function readPeersFile(p: TempProfile): StoreFile {
  return readStoreFile(p.paths.peers);
}

describe('four processes writing at once', () => {
  it('keeps all 4,000 peers, with unique print names', async () => {
    const p = profile();
    const startAt = Date.now() + 1500;
    const writers = [0, 1, 2, 3].map((w) => spawnWriter(build.dist, ['add', p.dir, String(10_000 + w * 1000), '1000', '25', String(startAt)]));
    const exits = await Promise.all(writers.map((w) => w.exited));
    for (const [i, e] of exits.entries()) expect(e.code, writers[i]!.stderr.join('')).toBe(0);

    const doc = readPeersFile(p);
    const ids = Object.values(doc.peers).map((r) => r.id);
    expect(ids.length).toBe(4000);
    expect(new Set(ids).size).toBe(4000);
    for (let i = 10_000; i < 14_000; i++) expect(doc.peers[`user:${i}`], `user ${i}`).toBeDefined();
    // Every process named peers Name0..Name9 on its own: the names stay unique after merging.
    const names = Object.values(doc.peers).map((r) => r.printName);
    expect(new Set(names).size).toBe(4000);
    for (const r of Object.values(doc.peers)) expect(r.printName).toMatch(new RegExp(`^Name${r.id % 10}(#\\d+)?$`));

    const store = await open(p);
    expect(store.size).toBe(4000);
    expect(store.byUsername('@U12345')?.id).toBe(12345);
    expect(p.notices).toEqual([]);
    expect(existsSync(`${p.paths.peers}.lock`)).toBe(false);
    await store.close();
  });
});

describe('forget while another process writes', () => {
  it('stays forgotten while the other process goes on writing other peers', async () => {
    const p = profile();
    const seed = await open(p);
    seed.upsert({ kind: 'user', id: 777, firstName: 'Victim', usernames: ['victim'] }, 'mtproto');
    await seed.close();

    const other = spawnWriter(build.dist, ['writer-loop', p.dir, '20000', '60', '777']);
    expect(await other.waitFor((l) => l.startsWith('ready'))).toBe('ready has-victim');
    await other.waitFor((l) => l === 'ok 20005');

    const me = await open(p);
    expect(me.forget({ kind: 'user', id: 777 })?.printName).toBe('Victim');
    await me.flush();
    await me.close();
    other.proc.stdin.write('go\n');

    expect((await other.exited).code).toBe(0);
    expect(other.lines).toContain('victim absent');
    const doc = readPeersFile(p);
    expect(doc.peers['user:777']).toBeUndefined();
    expect(doc.tombstones['user:777']).toBeGreaterThan(0);
    for (let i = 20_000; i < 20_060; i++) expect(doc.peers[`user:${i}`]).toBeDefined();
    const fresh = await open(p);
    expect(fresh.byUsername('victim')).toBeUndefined();
    expect(fresh.get('user', 777)).toBeUndefined();
    await fresh.close();
  });

  it('is not undone by a change another process made before the forget and wrote after it', async () => {
    const p = profile();
    const seed = await open(p);
    seed.upsert({ kind: 'user', id: 888, firstName: 'Victim' }, 'mtproto');
    await seed.close();

    const other = spawnWriter(build.dist, ['hold-victim', p.dir, '888']);
    await other.waitFor((l) => l === 'ready');
    const me = await open(p);
    me.forget({ kind: 'user', id: 888 });
    await me.close();
    other.proc.stdin.write('go\n');
    await other.waitFor((l) => l.startsWith('victim'));
    expect((await other.exited).code).toBe(0);

    expect(other.lines).toContain('victim absent');
    expect(readPeersFile(p).peers['user:888']).toBeUndefined();
  });
});

describe('a writer killed with SIGKILL', () => {
  it('leaves a file that parses and holds every change reported done', async () => {
    const p = profile();
    // Some bulk, so that a kill often lands in the middle of a write.
    const seed = await open(p);
    for (let i = 1; i <= 3000; i++) seed.upsert({ kind: 'user', id: 500_000 + i, firstName: `Bulk ${i}`, usernames: [`bulk${i}`] }, 'mtproto');
    await seed.close();

    const reported: number[] = [];
    let next = 1_000_000;
    for (let round = 0; round < 6; round++) {
      const w = spawnWriter(build.dist, ['loop', p.dir, String(next)]);
      // Let it report a few flushes, then kill it wherever it is.
      const target = 3 + ((round * 7) % 11);
      await w.waitFor((l) => l === `ok ${next + target}`);
      w.proc.kill('SIGKILL');
      const exit = await w.exited;
      expect(exit.signal).toBe('SIGKILL');
      for (const l of w.lines) if (l.startsWith('ok ')) reported.push(Number(l.slice(3)));
      next += 1000;

      const doc = readPeersFile(p); // parses, or the test fails
      for (const id of reported) expect(doc.peers[`user:${id}`], `user ${id} was reported saved`).toBeDefined();
      expect(Object.keys(doc.peers).length).toBeGreaterThanOrEqual(3000 + reported.length);
    }
    // No corrupt file was ever met, and the next process opens and writes normally (the lock of
    // the killed one, if it held it, is taken over).
    const names = readdirSync(p.dir);
    expect(names.filter((n) => n.includes('.corrupt-'))).toEqual([]);
    const store = await open(p, { lock: { timeoutMs: 30_000 } });
    store.upsert({ kind: 'user', id: 42, firstName: 'After' }, 'mtproto');
    await store.close();
    expect(p.notices).toEqual([]);
    // Leftovers of killed writes and notes of killed processes are cleaned up under the lock.
    expect(readdirSync(p.dir).filter((n) => n !== 'peers.json')).toEqual([]);
  });
});

describe('a lock left behind', () => {
  it('by a dead process of this machine is taken over at once', async () => {
    const p = profile();
    const s = await open(p, { lock: { timeoutMs: 3000 } });
    // A process that has exited: its pid names nobody.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    mkdirSync(`${p.paths.peers}.lock`);
    ownerNote(p, deadPid);
    s.upsert({ kind: 'user', id: 1, firstName: 'A' }, 'mtproto');
    await s.flush(); // would time out after 3 s (the lock is fresh) without the dead-owner check
    expect(readPeersFile(p).peers['user:1']).toBeDefined();
    expect(existsSync(`${p.paths.peers}.lock`)).toBe(false);
    expect(readdirSync(p.dir).filter((n) => n.includes('.lock'))).toEqual([]);
    await s.close();
  });

  it('with no owner note at all is taken over at once (its holder died before writing one)', async () => {
    const p = profile();
    const s = await open(p, { lock: { timeoutMs: 3000 } });
    mkdirSync(`${p.paths.peers}.lock`);
    s.upsert({ kind: 'user', id: 1, firstName: 'A' }, 'mtproto');
    await s.flush();
    expect(readPeersFile(p).peers['user:1']).toBeDefined();
    await s.close();
  });

  it('of another machine (a shared folder) is taken over once it is stale', async () => {
    const p = profile();
    const s = await open(p, { lock: { timeoutMs: 10_000, staleMs: 2000 } });
    mkdirSync(`${p.paths.peers}.lock`);
    writeFileSync(`${p.paths.peers}.lock-owner.1.0.some-other-host`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${p.paths.peers}.lock`, old, old);
    s.upsert({ kind: 'user', id: 1, firstName: 'A' }, 'mtproto');
    await s.flush();
    expect(readPeersFile(p).peers['user:1']).toBeDefined();
    await s.close();
  });

  it('by a live process is waited for, then reported', async () => {
    const p = profile();
    const s = await open(p, { lock: { timeoutMs: 300 } });
    mkdirSync(`${p.paths.peers}.lock`);
    // A live holder: another process of this machine (this test's parent stands in for it).
    ownerNote(p, process.ppid);
    s.upsert({ kind: 'user', id: 1, firstName: 'A' }, 'mtproto');
    await expect(s.flush()).rejects.toThrow(`locked by another tgsh process (pid ${process.ppid})`);
    // The change is kept for the next flush.
    expect(s.hasChanges()).toBe(true);
  });
});
