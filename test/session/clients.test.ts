// One process, several clients (the daemon's case): each client has its own Executor over the
// run's one Services, and a command's notices reach the client that ran it, never another one,
// even while both are in flight on the shared resolver and MTProto connection.
import { afterEach, describe, expect, it } from 'vitest';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { testShell, until, type TestShell } from '../telegram/resolver/helpers.js';

const sandboxes: Sandbox[] = [];
const shells: TestShell[] = [];

afterEach(async () => {
  for (const s of shells.splice(0)) await s.close();
  for (const s of sandboxes.splice(0)) await s.close();
});

describe('clients of one Services', () => {
  it("keep their own notices: a flood wait's notices go to the client waiting, not to one that started meanwhile", async () => {
    const sb = await startSandbox();
    sandboxes.push(sb);
    const a = testShell(sb, { args: ['--max-wait', '10'] });
    shells.push(a);
    await a.run('get_self'); // logged in, so both clients share a ready connection
    const bNotices: string[] = [];
    const b = new Executor({ config: a.services.config, services: a.services, registry: commandRegistry(), mode: 'pipe', notice: (t) => bNotices.push(t) });

    // A's resolve is told to wait twice; B's lookup hangs until it is cancelled.
    sb.mtproto.faults.failMethod('contacts.resolveUsername', { code: 420, message: 'FLOOD_WAIT_1' }, { times: 2 });
    sb.mtproto.faults.neverAnswer('users.getFullUser', { times: 1 });
    const answerA = a.text('resolve_username example_user');
    await until(() => a.notices.some((n) => n.includes('FLOOD_WAIT_1')));
    const cancelB = new AbortController();
    const answerB = b.run('user_info user#191322468', cancelB.signal);

    expect(await answerA).toBe('Example\n');
    cancelB.abort();
    const [resultB] = await answerB;
    expect(resultB?.kind).toBe('fail');
    expect(a.notices.filter((n) => n.includes('FLOOD_WAIT_1'))).toHaveLength(2);
    expect(bNotices.filter((n) => n.includes('FLOOD_WAIT'))).toEqual([]);
  });
});
