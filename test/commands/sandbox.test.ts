// The `sandbox` command: acting as the world's people while tgsh runs on an in-process sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { formatResult } from '../../src/output/format.js';
import { runTgsh, tempHome } from '../helpers/cli.js';

const home = tempHome();
let services: Services;
let executor: Executor;
const notices: string[] = [];

async function text(line: string): Promise<string> {
  return (await executor.run(line)).map((r) => formatResult(r, { json: false, color: false, tty: false }).stdout).join('');
}

beforeAll(() => {
  const cli = parseCli(['--sandbox', '--config-dir', home.dir]);
  if (!cli.ok) throw new Error(cli.error);
  const c = resolveConfig(cli.options, {}, false);
  if (!c.ok) throw new Error(c.error);
  expect(c.config.profile).toBe('sandbox');
  services = new Services(c.config);
  executor = new Executor({ config: c.config, services, registry: commandRegistry(), mode: 'pipe', notice: (t) => notices.push(t) });
});

afterAll(async () => {
  await services.close();
  home.cleanup();
});

describe('sandbox command', () => {
  it('starts the in-process sandbox with its banner, and lists the people', async () => {
    const out = await text('sandbox users');
    expect(out).toContain('@example_user\tExample\tstarted');
    expect(out).toContain('@bob_blocked\tBob Blocked\tblocked');
    expect(notices).toContain('sandbox: an offline Telegram on 127.0.0.1; nothing leaves this machine');
  });

  it('acts as a user: start, then the relation shows it', async () => {
    expect(await text('sandbox start @carol_never promo')).toBe('SUCCESS\n');
    expect(services.sandbox()!.world.relation(200000003, 7000000001)).toMatchObject({ start_payload: 'promo' });
    expect(await text('sandbox users')).toContain('@carol_never\tCarol Never\tstarted');
  });

  it('shows an inbox and refuses bad actions with the usage', async () => {
    expect(await text('sandbox inbox @carol_never')).toBe('(nothing received)\n');
    const bad = await executor.run('sandbox say');
    expect(bad[0]).toMatchObject({ kind: 'fail', code: 22, hint: 'usage: sandbox say <user> <text>' });
    const unknown = await executor.run('sandbox fly @x');
    expect(unknown[0]).toMatchObject({ kind: 'fail', error: "no sandbox action 'fly'" });
    const nobody = await executor.run('sandbox start @nobody_here');
    expect(nobody[0]).toMatchObject({ kind: 'fail', code: 22 });
  });

  it('a new tgsh --sandbox is a new world: what its people say is not lost to the offset of an earlier one', async () => {
    const h = tempHome();
    try {
      const first = await runTgsh(['--sandbox'], { home: h.dir, input: 'sync\nsandbox say @alice_started one\nsandbox say @alice_started two\nsync\n' });
      expect(first.stdout).toMatch(/^sync: 4 updates.*\nSUCCESS\nSUCCESS\nsync: 2 updates/);
      // The next world numbers its updates afresh: the seeded 4 and the new message are all read.
      const second = await runTgsh(['--sandbox', '--json'], { home: h.dir, input: 'sandbox say @alice_started after the restart\nsync\n' });
      const answers = second.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(answers[1]).toMatchObject({ result: 'SUCCESS', updates: 5 });
    } finally {
      h.cleanup();
    }
  });
});
