// Flags and environment into a Config: each mistake is one usage line naming what the user gave
// (the flag or the environment variable), the sandbox refuses flags that point at another
// Telegram, and a --world file is read at start.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.js';
import { checkWorld, resolveConfig, type ConfigResult } from '../../src/cli/config.js';
import { tempHome } from '../helpers/cli.js';

const homes: Array<{ cleanup(): void }> = [];
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup();
});

function configOf(argv: string[], env: NodeJS.ProcessEnv = {}): ConfigResult {
  const cli = parseCli(argv);
  if (!cli.ok) return cli;
  return resolveConfig(cli.options, env, false);
}

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = configOf(argv, env);
  if (r.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return r.error;
}

describe('option parsing', () => {
  it('reads a negative number after an option as its value, and says what is wrong with it', () => {
    expect(errorOf(['--max-wait', '-1'])).toBe('--max-wait: must be 0 or more seconds (0 never waits)');
    expect(errorOf(['--max-wait=-1'])).toBe('--max-wait: must be 0 or more seconds (0 never waits)');
    const ok = configOf(['--max-wait', '0', '-e', 'version']);
    expect(ok.ok && ok.config.maxWaitSeconds).toBe(0);
  });

  it("turns parseArgs' messages into one short line", () => {
    expect(errorOf(['--profile', '-e', 'version'])).toBe("--profile needs a value (for a value that starts with '-', write --profile=VALUE)");
    expect(errorOf(['--max-wait'])).toBe('--max-wait needs a value');
    expect(errorOf(['--json=1'])).toBe('--json takes no value');
    expect(errorOf(['--bogus'])).toBe("unknown option '--bogus'");
    for (const argv of [['--profile', '-e', 'x'], ['--max-wait'], ['--bogus']]) expect(errorOf(argv)).not.toContain('\n');
  });

  it("'sandbox' after options says it comes first", () => {
    expect(errorOf(['--json', 'sandbox', 'serve'])).toMatch(/^'sandbox' comes first, before any option: tgsh sandbox serve/);
  });
});

describe('environment variables', () => {
  it('a bad value names the variable, not the flag', () => {
    expect(errorOf([], { TGSH_MAX_WAIT: 'abc' })).toBe("TGSH_MAX_WAIT: must be a number of seconds (0 never waits), not 'abc'");
    expect(errorOf(['--max-wait', 'abc'])).toBe("--max-wait: must be a number of seconds (0 never waits), not 'abc'");
    expect(errorOf([], { TGSH_MAX_WAIT: '-2' })).toBe('TGSH_MAX_WAIT: must be 0 or more seconds (0 never waits)');
    expect(errorOf([], { TG_API_ID: 'x1' })).toBe('TG_API_ID: must be a number (the api_id from my.telegram.org)');
    expect(errorOf(['--api-id', 'x1'])).toBe('--api-id: must be a number (the api_id from my.telegram.org)');
    expect(errorOf([], { TG_DC: 'nowhere' })).toBe("TG_DC: must be HOST:PORT, not 'nowhere'");
    expect(errorOf(['--dc', 'nowhere'])).toBe("--dc: must be HOST:PORT, not 'nowhere'");
    expect(errorOf([], { TG_BOT_API_ROOT: 'ftp://x' })).toBe('TG_BOT_API_ROOT: must be an http:// or https:// URL');
    expect(errorOf([], { TGSH_PROFILE: 'a b' })).toBe("TGSH_PROFILE: bad profile name 'a b' (letters, digits, _ . - only)");
    expect(errorOf(['-p', 'a b'])).toBe("--profile: bad profile name 'a b' (letters, digits, _ . - only)");
    expect(errorOf([], { TGSH_BOT_API_TIMEOUT: '0' })).toBe("TGSH_BOT_API_TIMEOUT: must be a number of seconds above 0, not '0'");
    expect(errorOf([], { TGSH_MTPROTO_TIMEOUT: 'soon' })).toBe("TGSH_MTPROTO_TIMEOUT: must be a number of seconds above 0, not 'soon'");
  });
});

describe('--sandbox', () => {
  it('refuses the flags that point at another Telegram', () => {
    const token = ['123456', 'AAFakeTokenForTestsOnly_abcdefghijkl'].join(':');
    expect(errorOf(['--sandbox', '--bot-token', token])).toBe(
      '--sandbox brings its own Telegram on 127.0.0.1, and --bot-token points elsewhere: leave it out, or leave out --sandbox',
    );
    expect(errorOf(['--sandbox', '--dc', '1.2.3.4:443', '--api-id', '1', '--api-hash', 'h', '--bot-api-root', 'http://x', '-k', 'k.pem'])).toBe(
      '--sandbox brings its own Telegram on 127.0.0.1, and --api-id, --api-hash, --dc, --rsa-key, --bot-api-root point elsewhere: leave them out, or leave out --sandbox',
    );
    expect(errorOf(['--sandbox', `--bot=${token}`])).not.toContain('AAFake');
  });

  it('leaves Telegram settings in the environment unused, even bad ones', () => {
    const r = configOf(['--sandbox'], { TG_BOT_TOKEN: '1:abc', TG_API_ID: 'not-a-number', TG_DC: 'nowhere', TG_API_HASH: 'h' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({ sandbox: true, profile: 'sandbox' });
    expect(r.config.botToken).toBeUndefined();
    expect(r.config.apiId).toBeUndefined();
    expect(r.config.dc).toBeUndefined();
  });
});

describe('--world', () => {
  it('implies --sandbox (and its profile)', () => {
    const home = tempHome();
    homes.push(home);
    const world = join(home.dir, 'w.json');
    writeFileSync(world, '{}');
    const r = configOf(['--world', world]);
    expect(r.ok && r.config).toMatchObject({ sandbox: true, profile: 'sandbox', worldFile: world });
    expect(errorOf(['--world', world, '--bot-token', '1:x'])).toMatch(/^--world runs the sandbox, which brings its own Telegram .* leave out --world$/);
  });

  it('a missing or broken file is a usage error at once, naming the file', () => {
    const home = tempHome();
    homes.push(home);
    expect(errorOf(['--world', join(home.dir, 'none.json')])).toBe(`--world ${join(home.dir, 'none.json')}: cannot read it (no such file)`);
    const broken = join(home.dir, 'broken.json');
    writeFileSync(broken, '{\n  "users": [\n    {"id": 1,}\n  ]\n}\n');
    expect(errorOf(['--sandbox', '--world', broken])).toBe(`--world ${broken}: not valid JSON at line 3, column 14`);
    const list = join(home.dir, 'list.json');
    writeFileSync(list, '[]');
    expect(errorOf(['--world', list])).toBe(`--world ${list}: not a valid sandbox world: (top level): must be a JSON object`);
  });

  it('checkWorld names every bad field, and passes a good world', async () => {
    const home = tempHome();
    homes.push(home);
    const bad = join(home.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ users: [{ id: 'x' }], extra: 1 }));
    const error = await checkWorld({ worldFile: bad });
    expect(error).toMatch(new RegExp(`^--world ${bad}: not a valid sandbox world \\(\\d+ problems\\):\\n`));
    expect(error).toContain('\n  - extra: unknown field');
    expect(error).toContain('\n  - users[0].id: must be an integer');
    const one = join(home.dir, 'one.json');
    const { defaultWorldData } = await import('../../src/sandbox/world/default-world.js');
    writeFileSync(one, JSON.stringify({ ...defaultWorldData(), api_id: -1 }));
    expect(await checkWorld({ worldFile: one })).toBe(`--world ${one}: not a valid sandbox world: api_id: must be a positive 32-bit integer`);
    const good = join(home.dir, 'good.json');
    writeFileSync(good, JSON.stringify(defaultWorldData()));
    expect(await checkWorld({ worldFile: good })).toBeUndefined();
    const noBot = join(home.dir, 'nobot.json');
    const { api_id, api_hash } = defaultWorldData();
    writeFileSync(noBot, JSON.stringify({ api_id, api_hash, users: [], bots: [] }));
    expect(await checkWorld({ worldFile: noBot })).toBe(`--world ${noBot}: the world has no bot: add one under "bots"`);
    expect(await checkWorld({})).toBeUndefined();
  });
});
