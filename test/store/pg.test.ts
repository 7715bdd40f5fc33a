// The postgres backend beyond the contract, on a real private cluster: several processes writing
// at once, the poller lock between processes, and faults through the built binary (npm test
// builds first): a refused password (exit 4), an unreachable server, store info without the
// password.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rememberStore } from '../../src/store/choice.js';
import { PgBackend } from '../../src/store/pg-backend.js';
import { runTgsh } from '../helpers/cli.js';
import { POSTGRES_BIN, POSTGRES_SKIP_REASON, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { buildStoreForChildren, ROOT, spawnWriter } from './helpers.js';

if (!POSTGRES_BIN) console.warn(POSTGRES_SKIP_REASON);

const PASSWORD = 'right-horse-battery';

const EXPORT = {
  format: 'tgsh-export',
  version: 1,
  peers: [
    { kind: 'user', id: 101, firstName: 'Bob', lastName: 'Jones', usernames: ['bob_jones'], accessHash: '55' },
    { kind: 'channel', id: 303, title: 'News', usernames: ['news_chan'], accessHash: '66' },
  ],
};

describe.skipIf(!POSTGRES_BIN)('postgres backend', () => {
  let pg: PgCluster;
  let build: ReturnType<typeof buildStoreForChildren>;
  const dirs: string[] = [];
  const home = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'tgsh-pg-home-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    pg = await startPostgres();
    build = buildStoreForChildren();
  }, 180_000);
  afterAll(() => {
    pg?.stop();
    build?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('4 processes adding 25,000 peers each at once keep all 100,000', async () => {
    const db = pg.createDatabase();
    const url = pg.url(db);
    const startAt = Date.now() + 1500;
    const writers = [0, 1, 2, 3].map((n) => {
      const profile = join(home(), 'profile');
      rememberStoreIn(profile, url);
      return spawnWriter(build.dist, ['add', profile, String(1 + n * 25_000), '25000', '2500', String(startAt)]);
    });
    const ends = await Promise.all(writers.map((w) => w.exited));
    for (const [i, e] of ends.entries()) expect(e.code, writers[i]?.stderr.join('')).toBe(0);
    const b = new PgBackend(url);
    const index = await b.open(() => {});
    expect(index.size).toBe(100_000);
    expect(index.byUsername('u1')?.id).toBe(1);
    expect(index.byUsername('U100000')?.id).toBe(100_000);
    // Print names stayed unique across the processes (all share ten first names).
    const names = new Set<string>();
    for (const r of index.values()) names.add(r.printName);
    expect(names.size).toBe(100_000);
    await b.close();
  }, 240_000);

  it('two processes asking for the poller lock of one bot: one gets it, the next after it exits', async () => {
    const url = pg.url(pg.createDatabase());
    const a = poller(build.dist, url, 4242);
    expect(await a.first).toBe('got');
    const b = poller(build.dist, url, 4242);
    expect(await b.first).toBe('busy');
    const other = poller(build.dist, url, 4343);
    expect(await other.first).toBe('got');
    b.proc.stdin.end();
    other.proc.stdin.end();
    a.proc.stdin.end();
    await a.exited;
    const c = poller(build.dist, url, 4242);
    expect(await c.first).toBe('got');
    c.proc.stdin.end();
    await Promise.all([b.exited, c.exited, other.exited]);
  }, 60_000);

  it('store migrate copies a conf profile into postgres; store info shows the URL without its password', async () => {
    const db = pg.createDatabase();
    pg.sql(`ALTER DATABASE ${db} OWNER TO locked`);
    const url = pg.url(db, 'locked', PASSWORD);
    const h = home();
    const file = join(h, 'export.json');
    writeFileSync(file, JSON.stringify(EXPORT));
    let r = await runTgsh(['-e', `import ${file}`, '-e', `store migrate ${url}`], { home: h });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    r = await runTgsh(['--json', '-e', 'store info', '-e', '[offline] resolve_username news_chan'], { home: h });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const info = JSON.parse(r.stdout.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(info).toMatchObject({ backend: 'postgres', location: `postgres://locked:***@127.0.0.1:${pg.port}/${db}`, peers: 2 });
    expect(r.stdout).toContain('news_chan');
    // The rows are in the database, where another machine would find them.
    expect(pg.sql('SELECT count(*) FROM tgsh_peers', db).trim()).toBe('2');
  }, 60_000);

  it('a read-only database is one FAIL naming the store, and nothing is lost from it', async () => {
    const db = pg.createDatabase();
    const url = pg.url(db);
    const h = home();
    const file = join(h, 'export.json');
    writeFileSync(file, JSON.stringify(EXPORT));
    let r = await runTgsh(['--store', url, '-e', `import ${file}`], { home: h });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    pg.sql(`ALTER DATABASE ${db} SET default_transaction_read_only = on`);
    writeFileSync(file, JSON.stringify({ ...EXPORT, peers: [{ kind: 'user', id: 102, firstName: 'Cy', usernames: ['cy_new'] }] }));
    r = await runTgsh(['-e', `import ${file}`], { home: h });
    expect(r.code).not.toBe(0);
    const fails = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('FAIL'));
    expect(fails, r.stdout + r.stderr).toHaveLength(1);
    expect(fails[0]).toContain(`postgres://postgres@127.0.0.1:${pg.port}/${db}`);
    expect(fails[0]).toContain('read-only');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(pg.sql('SELECT count(*) FROM tgsh_peers', db).trim()).toBe('2');
    // Still readable.
    r = await runTgsh(['-e', '[offline] resolve_username news_chan'], { home: h });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('News');
  }, 60_000);

  it('a database at a newer schema is read but never written', async () => {
    const db = pg.createDatabase();
    const url = pg.url(db);
    const first = new PgBackend(url);
    const idx = await first.open(() => {});
    idx.put({ kind: 'user', id: 7, firstName: 'Ann', printName: 'Ann', usernames: ['ann7'], updatedAt: 1 } as never, { isNew: true });
    await first.apply(idx.takeChanges(), Date.now());
    await first.close();
    pg.sql('UPDATE tgsh_schema_version SET version = 99', db);
    const notices: string[] = [];
    const later = new PgBackend(url);
    const idx2 = await later.open((t) => notices.push(t));
    expect(idx2.byUsername('ann7')?.id).toBe(7);
    expect(notices.join('\n')).toContain('newer tgsh (schema 99');
    idx2.put({ kind: 'user', id: 8, firstName: 'Bo', printName: 'Bo', usernames: [], updatedAt: 2 } as never, { isNew: true });
    await expect(later.apply(idx2.takeChanges(), Date.now())).rejects.toThrow(/newer tgsh/);
    await later.close();
    expect(pg.sql('SELECT count(*) FROM tgsh_peers', db).trim()).toBe('1');
    expect(pg.sql('SELECT version FROM tgsh_schema_version', db).trim()).toBe('99');
  }, 60_000);

  it('a refused password is one FAIL line, exit status 4, and the password is nowhere', async () => {
    const db = pg.createDatabase();
    const wrong = 'wrong-password-xyzzy';
    const r = await runTgsh(['--store', pg.url(db, 'locked', wrong), '-e', 'store info'], { home: home() });
    expect(r.code).toBe(4);
    const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toHaveLength(1);
    expect(fails[0]).toContain('postgres');
    expect(fails[0]).toContain(`127.0.0.1:${pg.port}/${db}`);
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('an unreachable server is one FAIL line naming the store, without a stack trace', async () => {
    const r = await runTgsh(['--store', `postgres://tgsh:hunter2@127.0.0.1:1/tgsh`, '-e', 'store info'], { home: home() });
    expect(r.code).not.toBe(0);
    const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toHaveLength(1);
    expect(fails[0]).toContain('postgres://tgsh:***@127.0.0.1:1/tgsh');
    expect(fails[0]).toContain('can not be reached');
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

function rememberStoreIn(profile: string, url: string): void {
  mkdirSync(profile, { recursive: true, mode: 0o700 });
  rememberStore(profile, { kind: 'postgres', url });
}

function poller(dist: string, url: string, botId: number): { proc: ReturnType<typeof spawn>; first: Promise<string>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [join(ROOT, 'test', 'store', 'fixtures', 'pg-poller.mjs'), dist, url, String(botId)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const first = new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.on('exit', () => reject(new Error(`poller exited first: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, first, exited };
}
