// Live messages of the user account in the interactive shell: MTProto updates pushed by the
// sandbox's data centre, shown as telegram-cli's lines above the prompt; a connection dropped while
// messages arrive is caught up with updates.getDifference, each message shown exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveMessages } from '../../src/repl/live.js';
import { mountShell, type Mounted } from '../repl/helpers.js';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';
import { EXAMPLE, sandboxForFile, userSession } from './helpers.js';

const f = sandboxForFile();
let shell: Mounted | undefined;
afterEach(() => {
  shell?.unmount();
  shell = undefined;
});

async function liveShell(): Promise<{ s: SandboxSession; shell: Mounted }> {
  const s = f.keep(await userSession(f.sandbox(), { noBot: true }));
  shell = await mountShell({ home: s.home, config: s.config, controller: { services: s.services } });
  expect(await startLiveMessages(s.services, shell.controller)).toBeUndefined(); // no bot: no long poll
  return { s, shell };
}

const count = (frame: string, text: string): number => frame.split('\n').filter((l) => l.endsWith(text)).length;

describe('live messages of the user account', () => {
  it('shows an incoming message while the shell runs, above an intact prompt line', async () => {
    const { shell } = await liveShell();
    shell.write('history @alice');
    f.sandbox().world.driver.sendToUser('@alice_started', EXAMPLE, 'are you there, Example?');
    const frame = await shell.waitFor(/ \[\d\d:\d\d\]  Alice Started >>> are you there, Example\?/, 10_000);
    expect(frame).toMatch(/^ \[\d\d:\d\d\]  Alice Started >>> are you there, Example\?$/m);
    expect(shell.promptLine()).toBe('> history @alice');
  });

  it('starts once a user logs in in a shell that started without one', async () => {
    const s = f.keep(await sandboxSession({ sandbox: f.sandbox(), noBot: true, args: ['--phone', '+1 555 000 1111', '--code', '12345'] }));
    shell = await mountShell({ home: s.home, config: s.config, controller: { services: s.services } });
    expect(await startLiveMessages(s.services, shell.controller)).toBeUndefined();
    const [r] = await s.run('login');
    expect(r?.kind).toBe('success');
    // The live updates start in the background: a message may come before they listen, and is then
    // caught up by getDifference; either way it is shown once.
    f.sandbox().world.driver.sendToUser('@alice_started', EXAMPLE, 'hello after login');
    const frame = await shell.waitFor('Alice Started >>> hello after login', 15_000);
    expect(count(frame, 'hello after login')).toBe(1);
  });

  it('a connection dropped while messages arrive: getDifference shows each missed one exactly once', async () => {
    const { s, shell } = await liveShell();
    const sandbox = f.sandbox();
    const driver = sandbox.world.driver;
    driver.sendToUser('@alice_started', EXAMPLE, 'before the drop');
    await shell.waitFor('Alice Started >>> before the drop', 10_000);
    sandbox.mtproto.faults.refuseConnections(true);
    try {
      expect(sandbox.mtproto.faults.dropConnectionsOf(EXAMPLE)).toBeGreaterThan(0);
      driver.sendToUser('@alice_started', EXAMPLE, 'missed one');
      driver.sendToUser('@carol_never', EXAMPLE, 'missed two');
      driver.sendToUser('@alice_started', EXAMPLE, 'missed three');
    } finally {
      sandbox.mtproto.faults.refuseConnections(false);
    }
    await shell.waitFor((fr) => ['missed one', 'missed two', 'missed three'].every((t) => fr.includes(t)), 40_000);
    // A message after the recovery arrives pushed again, and nothing came twice meanwhile.
    driver.sendToUser('@alice_started', EXAMPLE, 'back online');
    const frame = await shell.waitFor('Alice Started >>> back online', 20_000);
    for (const t of ['before the drop', 'missed one', 'missed two', 'missed three', 'back online']) expect(count(frame, t), t).toBe(1);
    expect(frame).toMatch(/ \[\d\d:\d\d\]  Carol Never >>> missed two/);
    // The order they were sent in.
    expect(frame.indexOf('missed one')).toBeLessThan(frame.indexOf('missed two'));
    expect(frame.indexOf('missed two')).toBeLessThan(frame.indexOf('missed three'));
    // The account's own sends are answers, not live lines.
    expect(await s.text('reply 1 thanks')).toMatch(/<<< thanks\n$/);
    driver.sendToUser('@alice_started', EXAMPLE, 'marker');
    const after = await shell.waitFor('Alice Started >>> marker', 10_000);
    expect(count(after, 'thanks')).toBe(0);
  });
});
