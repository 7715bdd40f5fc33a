// `settings`: read, change, reset; values survive a new process. Numeric settings keep to sane
// ranges; credentials are saved only on request, only to credentials.json.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTgsh, tempHome } from '../helpers/cli.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';

let home: ReturnType<typeof tempHome> | undefined;
afterEach(() => home?.cleanup());

describe('settings', () => {
  it('lists defaults, changes one, keeps it for the next process, and resets it', async () => {
    home = tempHome();
    const list = await runTgsh(['--json', '-e', 'settings'], { home: home.dir });
    expect(JSON.parse(list.stdout)).toMatchObject({ consent_policy: 'open', username_ttl_hours: 24 });
    const set = await runTgsh(['-e', 'settings consent_policy strict'], { home: home.dir });
    expect(set.stdout).toBe('consent_policy\tstrict\n');
    const file = join(home.dir, 'profiles', 'default', 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).consent_policy).toBe('strict');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await runTgsh(['-e', 'settings consent_policy'], { home: home.dir });
    expect(again.stdout).toBe('consent_policy\tstrict\n');
    const reset = await runTgsh(['-e', 'settings consent_policy --reset'], { home: home.dir });
    expect(reset.stdout).toBe('consent_policy\topen\n');
  });

  it('refuses unknown names and bad values with one clear line', async () => {
    home = tempHome();
    const r = await runTgsh(['-e', 'settings consent_polcy strict', '-e', 'settings consent_policy maybe', '-e', 'settings username_ttl_hours -3'], { home: home.dir });
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      "FAIL: 22: no setting 'consent_polcy'",
      "FAIL: 22: consent_policy must be 'open' or 'strict'",
      'FAIL: 22: username_ttl_hours must be a number of hours from 1 to 8760 (a year)',
    ]);
    expect(r.stderr).toContain("did you mean 'consent_policy'?");
    expect(r.code).toBe(1);
  });
});

describe('settings ranges', () => {
  it('refuses values outside a sane range with FAIL: 22 naming the range, and keeps the old value', async () => {
    home = tempHome();
    const r = await runTgsh(
      [
        '-e', 'settings resolve_per_second 1000000',
        '-e', 'settings resolve_per_second 0.05',
        '-e', 'settings resolve_burst 101',
        '-e', 'settings resolve_burst 2.5',
        '-e', 'settings username_ttl_hours 9000',
        '-e', 'settings purge_inactive_days 0',
        '-e', 'settings resolve_per_second 30',
        '-e', 'settings resolve_burst 100',
      ],
      { home: home.dir },
    );
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'FAIL: 22: resolve_per_second must be a number from 0.1 to 30',
      'FAIL: 22: resolve_per_second must be a number from 0.1 to 30',
      'FAIL: 22: resolve_burst must be a whole number from 1 to 100',
      'FAIL: 22: resolve_burst must be a whole number from 1 to 100',
      'FAIL: 22: username_ttl_hours must be a number of hours from 1 to 8760 (a year)',
      'FAIL: 22: purge_inactive_days must be a whole number of days from 1 to 3650',
      'resolve_per_second\t30',
      'resolve_burst\t100',
    ]);
    const help = await runTgsh(['-e', 'help settings'], { home: home.dir });
    expect(help.stdout).toContain('a number from 0.1 to 30');
  });
});

describe('settings --reset without a name', () => {
  it('puts every setting back to its default and lists those that changed', async () => {
    home = tempHome();
    await runTgsh(['-e', 'settings consent_policy strict', '-e', 'settings resolve_burst 7', '-e', 'settings username_ttl_hours 24'], { home: home.dir });
    const file = join(home.dir, 'profiles', 'default', 'settings.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), from_a_newer_tgsh: 1 }));
    const r = await runTgsh(['-e', 'settings --reset', '-e', 'settings --reset'], { home: home.dir });
    expect(r.stdout).toBe('reset\tconsent_policy, resolve_burst\nconsent_policy\topen\nresolve_burst\t5\nreset\tnothing: every setting already had its default\n');
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(doc.consent_policy).toBeUndefined();
    expect(doc.from_a_newer_tgsh).toBe(1);
    const json = await runTgsh(['--json', '-e', 'settings consent_policy strict', '-e', 'settings --reset'], { home: home.dir });
    expect(JSON.parse(json.stdout.split('\n')[1]!)).toEqual({ reset: 'consent_policy', consent_policy: 'open' });
    const help = await runTgsh(['-e', 'help settings'], { home: home.dir });
    expect(help.stdout).toContain('settings --reset              puts every setting back to its default');
  });
});

describe('settings --save-credentials', () => {
  let sandbox: Sandbox;
  let flags: string[];
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  function flagsIn(dir: string): string[] {
    const c = sandbox.connection;
    const key = join(dir, 'key.pem');
    writeFileSync(key, c.rsa_key_pem);
    return ['--dc', c.dc, '--rsa-key', key, '--bot-api-root', c.bot_api_root, '--bot-token', c.bot_token, '--api-id', String(c.api_id), '--api-hash', c.api_hash];
  }

  it('a later run with nothing but the profile uses what was saved; flags still override; --forget-credentials removes it', async () => {
    home = tempHome();
    flags = flagsIn(home.dir);
    const c = sandbox.connection;
    // Given on the command line only: nothing is kept.
    const once = await runTgsh([...flags, '-e', 'resolve_username example_user'], { home: home.dir });
    expect(once.stdout).toBe('Example\n');
    const credentials = join(home.dir, 'profiles', 'default', 'credentials.json');
    expect(readFileSync(credentials, 'utf8')).not.toContain(c.bot_token);
    expect((await runTgsh(['--json', '-e', 'stats'], { home: home.dir })).stdout).toContain('"bot_token": "not set"');

    const save = await runTgsh([...flags, '-e', 'settings --save-credentials'], { home: home.dir });
    expect(save.stdout).toBe(`saved\tbot_token, api_id, api_hash, dc, rsa_key, bot_api_root\nfile\t${credentials}\n`);
    expect(save.code).toBe(0);
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(credentials, 'utf8'))).toMatchObject({ bot_token: c.bot_token, api_id: c.api_id, api_hash: c.api_hash, bot_api_root: c.bot_api_root, rsa_key_pem: c.rsa_key_pem });
    const settingsFile = join(home.dir, 'profiles', 'default', 'settings.json');
    if (existsSync(settingsFile)) expect(readFileSync(settingsFile, 'utf8')).not.toContain(c.bot_token);

    const later = await runTgsh(['--json', '-e', 'stats', '-e', 'resolve_username example_user', '-e', 'msg @example_user saved'], { home: home.dir });
    const [stats, peer, sent] = later.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(stats).toMatchObject({ bot_token: '7000000001:***', api_id: c.api_id, mtproto: c.dc, bot_api: c.bot_api_root, saved_credentials: 'bot_token, api_id, api_hash, dc, rsa_key, bot_api_root' });
    expect(peer).toMatchObject({ user: { username: 'example_user' } });
    expect(sent).toMatchObject({ result: 'SUCCESS' });
    expect(later.stdout + later.stderr).not.toContain(c.bot_token.split(':')[1]!);
    expect(later.code).toBe(0);

    // A flag overrides the saved value (the api id goes with its hash).
    const over = await runTgsh(['--json', '--api-id', '5', '-e', 'stats'], { home: home.dir });
    expect(JSON.parse(over.stdout)).toMatchObject({ api_id: 5, saved_credentials: 'bot_token, dc, rsa_key, bot_api_root' });

    const forget = await runTgsh(['-e', 'settings --forget-credentials', '--json', '-e', 'stats'], { home: home.dir });
    const [gone, after] = forget.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(gone).toEqual({ forgotten: 'bot_token, api_id, api_hash, dc, rsa_key, bot_api_root' });
    expect(after).toMatchObject({ bot_token: 'not set', api_id: 'not set', mtproto: 'telegram', saved_credentials: 'none used' });
    expect(readFileSync(credentials, 'utf8')).not.toContain(c.bot_token);
  });

  it('refuses when there is nothing to save, half an api pair, and under --sandbox', async () => {
    home = tempHome();
    const r = await runTgsh(['-e', 'settings --save-credentials'], { home: home.dir, env: { TG_BOT_TOKEN: undefined } });
    expect(r.stdout).toBe('FAIL: 22: nothing to save: give --bot-token, --api-id and --api-hash (or TG_BOT_TOKEN, TG_API_ID, TG_API_HASH) with this command\n');
    const half = await runTgsh(['--api-id', '5', '-e', 'settings --save-credentials'], { home: home.dir });
    expect(half.stdout).toBe('FAIL: 22: the api id and hash are saved together: give both --api-id and --api-hash\n');
    const sbx = await runTgsh(['--sandbox', '-e', 'settings --save-credentials'], { home: home.dir });
    expect(sbx.stdout).toBe('FAIL: 22: nothing to save under --sandbox: the sandbox brings its own credentials\n');
    const env = await runTgsh(['-e', 'settings --save-credentials'], { home: home.dir, env: { TG_BOT_TOKEN: '42:from-the-environment-token' } });
    expect(env.stdout).toContain('saved\tbot_token\n');
    expect(existsSync(join(home.dir, 'profiles', 'default', 'credentials.json'))).toBe(true);
  });
});
