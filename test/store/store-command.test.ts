// `store info` and `store migrate` end to end, through the built binary (npm test builds first),
// and the --store flag / TGSH_STORE.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTgsh, tempHome } from '../helpers/cli.js';

const homes: Array<{ dir: string; cleanup(): void }> = [];
function home(): string {
  const h = tempHome();
  homes.push(h);
  return h.dir;
}
afterAll(() => {
  for (const h of homes) h.cleanup();
});

const EXPORT = {
  format: 'tgsh-export',
  version: 1,
  peers: [
    { kind: 'user', id: 5, firstName: 'Ann', usernames: ['ann_smith'] },
    { kind: 'user', id: 6, firstName: 'Bob', usernames: ['bob_jones'] },
    { kind: 'channel', id: 7, title: 'News', usernames: ['news_chan'] },
  ],
};

describe('store info / store migrate', () => {
  it('shows the conf store, migrates to sqlite (remembered), and back', async () => {
    const h = home();
    const file = join(h, 'export.json');
    writeFileSync(file, JSON.stringify(EXPORT));
    const profile = join(h, 'profiles', 'default');
    let r = await runTgsh(['-e', `import ${file}`, '-e', 'store info'], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('backend\tconf');
    expect(r.stdout).toContain(`location\t${join(profile, 'peers.json')}`);
    expect(r.stdout).toContain('peers\t3');

    r = await runTgsh(['--json', '-e', 'store migrate sqlite', '-e', 'store info'], { home: h });
    expect(r.code, r.stderr).toBe(0);
    const [migrated, info] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(migrated).toMatchObject({ result: 'SUCCESS', from: 'conf', to: 'sqlite', peers: 3 });
    expect(info).toMatchObject({ backend: 'sqlite', location: join(profile, 'peers.sqlite'), peers: 3, remembered: 'sqlite' });
    expect(JSON.parse(readFileSync(join(profile, 'store.json'), 'utf8'))).toEqual({ backend: 'sqlite' });
    expect(statSync(join(profile, 'peers.sqlite')).mode & 0o777).toBe(0o600);

    // The next run uses sqlite by itself.
    r = await runTgsh(['-e', 'forget @bob_jones', '-e', 'contact_list', '-e', 'store info'], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Ann');
    expect(r.stdout).not.toContain('Bob');
    expect(r.stdout).toContain('backend\tsqlite');
    expect(r.stdout).toContain('peers\t2');

    r = await runTgsh(['-e', 'store migrate conf', '-e', 'store info', '-e', '[offline] resolve_username news_chan'], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('backend\tconf');
    expect(r.stdout).toContain('peers\t2');
    expect(r.stdout).toContain('News');
    r = await runTgsh(['-e', 'store migrate conf'], { home: h });
    expect(r.stdout).toMatch(/FAIL: 22: the profile already keeps its peers in conf/);
  });

  it('--store sqlite on a new profile is remembered; TGSH_STORE works too; bad values are usage errors', async () => {
    const h = home();
    let r = await runTgsh(['--store', 'sqlite', '-e', 'store info'], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('backend\tsqlite');
    expect(existsSync(join(h, 'profiles', 'default', 'peers.sqlite'))).toBe(true);
    r = await runTgsh(['-e', 'store'], { home: h });
    expect(r.stdout).toContain('remembered\tsqlite');
    const h2 = home();
    r = await runTgsh(['-e', 'store info'], { home: h2, env: { TGSH_STORE: 'sqlite' } });
    expect(r.stdout).toContain('backend\tsqlite');
    r = await runTgsh(['--store', 'mysql', '-e', 'store info'], { home: h2 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--store: must be conf, sqlite or a postgres:// URL');
    r = await runTgsh(['-e', 'store frobnicate'], { home: h2 });
    expect(r.stdout).toContain("FAIL: 22: store: unknown action 'frobnicate'");
  });

  it('never prints a postgres password', async () => {
    const h = home();
    const r = await runTgsh(['--store', 'postgres://tgsh:hunter2@127.0.0.1:1/tgsh', '-e', 'store info'], { home: h });
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
