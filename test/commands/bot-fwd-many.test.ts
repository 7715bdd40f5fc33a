// fwd as the bot with several message ids (tgsh --sandbox): one forwardMessages call for a run of
// messages of one chat in increasing order, one forwardMessage for a single id, the answers as
// today's (one `sent` line each), what Telegram leaves out said in a notice, and a refusal one FAIL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { formatResult } from '../../src/output/format.js';
import { encodeMessageId } from '../../src/peers/message-id.js';
import type { Result } from '../../src/commands/types.js';
import { tempHome } from '../helpers/cli.js';

const BOT = 7000000001;
const ALICE = 200000001;
const EXAMPLE = 191322468;

const home = tempHome();
let services: Services;
let executor: Executor;
const notices: string[] = [];

const run = (line: string): Promise<Result[]> => executor.run(line);
const text = async (line: string): Promise<string> => (await run(line)).map((r) => formatResult(r, { json: false, color: false, tty: false }).stdout).join('');
const json = async (line: string): Promise<Array<Record<string, unknown>>> =>
  (await run(line)).map((r) => JSON.parse(formatResult(r, { json: true, color: false, tty: false }).stdout) as Record<string, unknown>);
const world = () => services.sandbox()!.world;
const calls = (method: string): number => services.sandbox()!.botapi.stats.requests[method] ?? 0;
const pid = (user: number, n: number): string => encodeMessageId({ type: 'user', peerId: user, accessHash: 0n, messageId: n });

beforeAll(() => {
  const cli = parseCli(['--sandbox', '--config-dir', home.dir]);
  if (!cli.ok) throw new Error(cli.error);
  const c = resolveConfig(cli.options, {}, false);
  if (!c.ok) throw new Error(c.error);
  services = new Services(c.config);
  executor = new Executor({ config: c.config, services, registry: commandRegistry(), mode: 'pipe', notice: (t) => notices.push(t) });
});

afterAll(async () => {
  await services.close();
  home.cleanup();
});

describe('fwd with several ids as the bot', () => {
  const sent: number[] = [];

  beforeAll(async () => {
    for (const t of ['one', 'two', 'three']) sent.push((await json(`msg @alice_started ${t}`))[0]!.message_id as number);
    // Counting calls: no 429 of the private-chat limit may add a retry (limits.test.ts tests those).
    world().limits.bot_limits_enabled = false;
  });

  it('is one forwardMessages call, one sent answer per message, in order', async () => {
    const [many, single] = [calls('forwardMessages'), calls('forwardMessage')];
    const answers = await json(`fwd @example_user ${sent.map((n) => pid(ALICE, n)).join(' ')}`);
    expect(calls('forwardMessages')).toBe(many + 1);
    expect(calls('forwardMessage')).toBe(single);
    const got = world().received(EXAMPLE, { bot: BOT }).slice(-3);
    expect(got.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(got.every((m) => m.forward_origin?.type === 'user')).toBe(true);
    expect(answers).toEqual(
      got.map((m) => expect.objectContaining({ result: 'SUCCESS', chat_id: EXAMPLE, message_id: m.message_id, id: pid(EXAMPLE, m.message_id) })),
    );
    // In text: today's lines, one per message.
    const lines = (await text(`fwd @example_user ${pid(ALICE, sent[0]!)} ${pid(ALICE, sent[1]!)}`)).trimEnd().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^ \[\d\d:\d\d\]  Example <<< \[forwarded\]$/), expect.stringMatching(/^ \[\d\d:\d\d\]  Example <<< \[forwarded\]$/)]);
    expect(calls('forwardMessages')).toBe(many + 2);
  });

  it('one id is one forwardMessage; ids out of order are runs the Bot API takes, the order kept', async () => {
    const [many, single] = [calls('forwardMessages'), calls('forwardMessage')];
    expect(await text(`fwd @example_user ${pid(ALICE, sent[2]!)}`)).toMatch(/Example <<< \[forwarded\]\n$/);
    expect([calls('forwardMessages'), calls('forwardMessage')]).toEqual([many, single + 1]);
    // 3, then 1 2: a forwardMessage, then a forwardMessages.
    const answers = await run(`fwd @example_user ${pid(ALICE, sent[2]!)} ${pid(ALICE, sent[0]!)} ${pid(ALICE, sent[1]!)}`);
    expect(answers.map((a) => a.kind)).toEqual(['sent', 'sent', 'sent']);
    expect([calls('forwardMessages'), calls('forwardMessage')]).toEqual([many + 1, single + 2]);
    expect(world().received(EXAMPLE, { bot: BOT }).slice(-3).map((m) => m.text)).toEqual(['three', 'one', 'two']);
  });

  it('a message Telegram leaves out is said in a notice; when none can go, one FAIL', async () => {
    notices.length = 0;
    const answers = await run(`fwd @example_user ${pid(ALICE, sent[0]!)} ${pid(ALICE, 9999)}`);
    expect(answers.map((a) => a.kind)).toEqual(['sent']);
    expect(notices).toContain('tgsh: fwd: 1 of 2 messages were not forwarded (not there, protected, or a service message)');
    const f = await run(`fwd @example_user ${pid(ALICE, 9998)} ${pid(ALICE, 9999)}`);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'fail', error: 'fwd: none of those messages is there (deleted, or not in that chat) (400: there are no messages to forward)' });
    // A refusal about the chat written in names it, as a single forward's does.
    expect((await run(`fwd @bob_blocked ${pid(ALICE, sent[0]!)} ${pid(ALICE, sent[1]!)}`))[0]).toMatchObject({
      kind: 'fail',
      error: 'Bob Blocked has blocked the bot (403: bot was blocked by the user)',
    });
  });
});
