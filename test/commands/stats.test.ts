// `stats` says what this run uses: the sandbox under --sandbox (without starting it), else flags
// and environment over what the profile saved.
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { formatResult } from '../../src/output/format.js';
import { runTgsh, tempHome } from '../helpers/cli.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function session(argv: string[]) {
  const home = tempHome();
  const cli = parseCli([...argv, '--config-dir', home.dir]);
  if (!cli.ok) throw new Error(cli.error);
  const c = resolveConfig(cli.options, {}, false);
  if (!c.ok) throw new Error(c.error);
  const services = new Services(c.config);
  const executor = new Executor({ config: c.config, services, registry: commandRegistry(), mode: 'pipe', notice: () => {} });
  cleanups.push(() => home.cleanup(), () => services.close());
  const json = async (line: string) => (await executor.run(line)).map((r) => JSON.parse(formatResult(r, { json: true, color: false, tty: false }).stdout) as Record<string, unknown>);
  return { services, json };
}

describe('stats under --sandbox', () => {
  it('says the sandbox starts on first use, then shows its address, root, bot and api id', async () => {
    const s = session(['--sandbox']);
    const [before] = await s.json('stats');
    expect(before).toMatchObject({
      sandbox: true,
      bot_token: 'sandbox (starts on first use)',
      api_id: 'sandbox (starts on first use)',
      mtproto: 'sandbox (starts on first use)',
      bot_api: 'sandbox (starts on first use)',
    });
    expect(s.services.sandbox()).toBeUndefined(); // stats did not start it
    expect(await s.json('resolve_username example_user')).toHaveLength(1);
    const c = s.services.sandbox()!.connection;
    const [after] = await s.json('stats');
    expect(after).toMatchObject({ bot_token: '7000000001:***', api_id: c.api_id, mtproto: `sandbox ${c.dc}`, bot_api: c.bot_api_root });
    expect(JSON.stringify(after)).not.toContain('sandbox-offline-token');
  });

  it('the binary never shows Telegram\'s own servers under --sandbox', async () => {
    const r = await runTgsh(['--sandbox', '--json', '-e', 'stats']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ sandbox: true, mtproto: 'sandbox (starts on first use)', bot_api: 'sandbox (starts on first use)' });
    expect(r.stdout).not.toContain('api.telegram.org');
    expect(r.stdout).not.toContain('not set');
  });
});
