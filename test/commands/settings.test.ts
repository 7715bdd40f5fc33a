// `settings`: read, change, reset; values survive a new process.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runTgsh, tempHome } from '../helpers/cli.js';

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
      'FAIL: 22: username_ttl_hours must be a number of hours above 0',
    ]);
    expect(r.stderr).toContain("did you mean 'consent_policy'?");
    expect(r.code).toBe(1);
  });
});
