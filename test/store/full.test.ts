// A store that can not take more: a full disk (for SQLite, a file-size limit gives the same
// refusal: the write fails) and a full PostgreSQL server (SQLSTATE 53100, as a server with no space
// left answers). Each is one FAIL naming the store, never a stack trace or "a bug in tgsh", and
// what was saved before stays readable; with room again the same command succeeds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runTgsh } from '../helpers/cli.js';
import { POSTGRES_BIN, startPostgres, type PgCluster } from '../helpers/postgres.js';

const SMALL = {
  format: 'tgsh-export',
  version: 1,
  peers: [
    { kind: 'user', id: 101, firstName: 'Bob', lastName: 'Jones', usernames: ['bob_jones'], accessHash: '55' },
    { kind: 'channel', id: 303, title: 'News', usernames: ['news_chan'], accessHash: '66' },
  ],
};

/** An export of n users (a few MB at 20,000). */
function bigExport(n: number): string {
  const peers = Array.from({ length: n }, (_, i) => ({ kind: 'user', id: 5_000_000 + i, firstName: `Name${i}`, usernames: [`many_${i}`], accessHash: String(1000 + i) }));
  return JSON.stringify({ format: 'tgsh-export', version: 1, peers });
}

const dirs: string[] = [];
function home(): string {
  const d = mkdtempSync(join(tmpdir(), 'tgsh-full-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The FAIL lines of a run's output (stdout and stderr). */
const failsOf = (r: { stdout: string; stderr: string }): string[] => (r.stdout + r.stderr).split('\n').filter((l) => l.includes('FAIL'));

describe('a full store', () => {
  it('sqlite: a write past a file-size limit is one FAIL naming the file; what was saved stays, and the import succeeds with room', async () => {
    const h = home();
    const small = join(h, 'small.json');
    const big = join(h, 'big.json');
    writeFileSync(small, JSON.stringify(SMALL));
    writeFileSync(big, bigExport(20_000));
    let r = await runTgsh(['--store', 'sqlite', '-e', `import ${small}`], { home: h });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // bash's ulimit -f counts 1 KiB blocks: 256 KiB is far less than 20,000 peers take.
    const limited = spawnSync('bash', ['-c', 'ulimit -f 256; exec "$0" "$@"', process.execPath, BIN, '-e', `import ${big}`], { env: cleanEnv(h), encoding: 'utf8', timeout: 60_000 });
    expect(limited.signal, 'killed by SIGXFSZ instead of failing').toBeNull();
    expect(limited.status).not.toBe(0);
    const fails = failsOf(limited);
    expect(fails, limited.stdout + limited.stderr).toHaveLength(1);
    expect(fails[0]).toContain(`the sqlite store ${join(h, 'profiles', 'default', 'peers.sqlite')}`);
    expect(limited.stdout + limited.stderr).toMatch(/disk may be full or a file-size limit/);
    expect(limited.stdout + limited.stderr).not.toMatch(/bug in tgsh|\n\s+at /);
    // What the first import saved is all there, and nothing of the refused one.
    r = await runTgsh(['-e', '[offline] resolve_username bob_jones'], { home: h });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Bob Jones');
    r = await runTgsh(['--json', '-e', 'store info'], { home: h });
    expect(r.stdout).toMatch(/"peers":\s*2\b/);
    r = await runTgsh(['-e', `import ${big}`, '-e', '[offline] resolve_username many_19999'], { home: h, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Name19999');
  }, 120_000);

  describe.skipIf(!POSTGRES_BIN)('postgres', () => {
    let pg: PgCluster;
    beforeAll(async () => {
      pg = await startPostgres();
    }, 180_000);
    afterAll(() => pg?.stop());

    it('a server out of space (53100) is one FAIL naming the store, without its password; what was saved stays', async () => {
      const db = pg.createDatabase();
      const url = pg.url(db);
      const h = home();
      const file = join(h, 'export.json');
      writeFileSync(file, JSON.stringify(SMALL));
      let r = await runTgsh(['--store', url, '-e', `import ${file}`], { home: h });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // What a server whose disk is full answers to a write.
      pg.sql(
        `CREATE FUNCTION tgsh_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device' USING ERRCODE = 'disk_full'; END $$;` +
          ' CREATE TRIGGER tgsh_test_disk_full BEFORE INSERT OR UPDATE ON tgsh_peers FOR EACH ROW EXECUTE FUNCTION tgsh_test_disk_full();',
        db,
      );
      writeFileSync(file, JSON.stringify({ ...SMALL, peers: [{ kind: 'user', id: 102, firstName: 'Cy', usernames: ['cy_new'] }] }));
      r = await runTgsh(['-e', `import ${file}`], { home: h });
      expect(r.code).not.toBe(0);
      const fails = failsOf(r);
      expect(fails, r.stdout + r.stderr).toHaveLength(1);
      expect(fails[0]).toContain(`the postgres store at postgres://postgres@127.0.0.1:${pg.port}/${db} is full`);
      expect(r.stdout + r.stderr).toContain('free space on the database server');
      expect(r.stdout + r.stderr).not.toMatch(/bug in tgsh|\n\s+at /);
      expect(pg.sql('SELECT count(*) FROM tgsh_peers', db).trim()).toBe('2');
      pg.sql('DROP TRIGGER tgsh_test_disk_full ON tgsh_peers', db);
      r = await runTgsh(['-e', `import ${file}`, '-e', '[offline] resolve_username cy_new'], { home: h });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('Cy');
    }, 60_000);
  });
});
