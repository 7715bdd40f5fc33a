// reply, fwd, edit_msg and delete_msg as the bot (Bot API: sendMessage with reply_parameters,
// forwardMessage, editMessageText, deleteMessage) by permanent message ids, on the in-process
// sandbox (tgsh --sandbox): `sandbox inbox` shows the edits and no longer the deleted messages, and
// every refusal is one FAIL line that says what happened and what to do.
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
const ALICE = 200000001; // started the bot
const EXAMPLE = 191322468; // started the bot
const BOOK_CLUB = 4567; // a basic group the bot is in

const home = tempHome();
let services: Services;
let executor: Executor;

const run = (line: string): Promise<Result[]> => executor.run(line);
async function text(line: string): Promise<string> {
  return (await run(line)).map((r) => formatResult(r, { json: false, color: false, tty: false }).stdout).join('');
}
async function json(line: string): Promise<Array<Record<string, unknown>>> {
  return (await run(line)).map((r) => JSON.parse(formatResult(r, { json: true, color: false, tty: false }).stdout) as Record<string, unknown>);
}
const world = () => services.sandbox()!.world;
/** The permanent id of message n of the bot's private chat with a user (the access hash is not needed by a bot). */
const pid = (user: number, n: number): string => encodeMessageId({ type: 'user', peerId: user, accessHash: 0n, messageId: n });
async function fail(line: string): Promise<Extract<Result, { kind: 'fail' }>> {
  const answers = await run(line);
  expect(answers).toHaveLength(1);
  expect(answers[0]!.kind).toBe('fail');
  return answers[0] as Extract<Result, { kind: 'fail' }>;
}

beforeAll(() => {
  const cli = parseCli(['--sandbox', '--config-dir', home.dir]);
  if (!cli.ok) throw new Error(cli.error);
  const c = resolveConfig(cli.options, {}, false);
  if (!c.ok) throw new Error(c.error);
  services = new Services(c.config);
  executor = new Executor({ config: c.config, services, registry: commandRegistry(), mode: 'pipe', notice: () => undefined });
});

afterAll(async () => {
  await services.close();
  home.cleanup();
});

describe('reply, fwd, edit_msg, delete_msg as the bot', () => {
  let first: number;

  it('msg, then reply to it by its permanent id', async () => {
    const [sent] = await json('msg @alice_started hello Alice');
    expect(sent).toMatchObject({ result: 'SUCCESS', chat_id: ALICE });
    first = sent!.message_id as number;
    // The answer carries the permanent id the other commands take.
    expect(sent!.id).toBe(pid(ALICE, first));
    expect(await text(`reply ${pid(ALICE, first)} an answer`)).toMatch(/^ \[\d\d:\d\d\]  Alice Started <<< an answer\n$/);
    const last = world().received(ALICE, { bot: BOT }).at(-1)!;
    expect(last).toMatchObject({ text: 'an answer', reply_to_message: { message_id: first, text: 'hello Alice' } });
  });

  it('fwd to another user who started the bot and to a group the bot is in', async () => {
    expect(await text(`fwd @example_user ${pid(ALICE, first)}`)).toMatch(/Example <<< \[forwarded\]\n$/);
    expect(world().received(EXAMPLE, { bot: BOT }).at(-1)).toMatchObject({
      text: 'hello Alice',
      forward_origin: { type: 'user', sender_user: { id: BOT } },
      forward_from: { id: BOT },
    });
    const [r] = await json(`fwd chat#${BOOK_CLUB} ${pid(ALICE, first)}`);
    expect(r).toMatchObject({ result: 'SUCCESS', chat_id: -BOOK_CLUB });
    expect(world().received(-BOOK_CLUB, { bot: BOT }).at(-1)).toMatchObject({ text: 'hello Alice', forward_origin: { type: 'user' } });
    // Two ids: one answer each.
    const both = await run(`fwd @example_user ${pid(ALICE, first)} ${pid(ALICE, first + 1)}`);
    expect(both.map((a) => a.kind)).toEqual(['sent', 'sent']);
    expect(world().received(EXAMPLE, { bot: BOT }).slice(-2).map((m) => m.text)).toEqual(['hello Alice', 'an answer']);
  });

  it('edit_msg changes the text (the inbox shows it); the same text again is the not-modified FAIL, explained', async () => {
    expect(await text(`edit_msg ${pid(ALICE, first)} hello again, Alice`)).toMatch(/Alice Started <<< hello again, Alice\n$/);
    const inbox = await text('sandbox inbox @alice_started');
    expect(inbox).toContain('>>> hello again, Alice');
    expect(inbox).not.toContain('>>> hello Alice\n');
    expect(world().received(ALICE, { bot: BOT }).find((m) => m.message_id === first)!.edit_date).toBeDefined();
    // The user's own box (what their MTProto session sees) follows the edit.
    const copy = world().accounts.account(ALICE).history({ type: 'user', id: BOT }).find((m) => m.text === 'hello again, Alice');
    expect(copy?.editDate).toBeDefined();

    const f = await fail(`edit_msg ${pid(ALICE, first)} hello again, Alice`);
    expect(f).toMatchObject({ code: 71, error: 'edit_msg: the message has this text already: nothing changed (400: message is not modified)', hint: 'give a different text' });
  });

  it('delete_msg removes it (the inbox no longer shows it); deleting again is one FAIL', async () => {
    const [r] = await json(`reply ${pid(ALICE, first)} short-lived`);
    const id = r!.message_id as number;
    expect(await text('sandbox inbox @alice_started')).toContain('>>> short-lived');
    expect(await text(`delete_msg ${pid(ALICE, id)}`)).toBe('SUCCESS\n');
    expect(await text('sandbox inbox @alice_started')).not.toContain('short-lived');
    expect(world().accounts.account(ALICE).history({ type: 'user', id: BOT }).map((m) => m.text)).not.toContain('short-lived');
    const f = await fail(`delete_msg ${pid(ALICE, id)}`);
    expect(f).toMatchObject({
      code: 71,
      error: 'delete_msg: that message is not there (deleted, or not in that chat) (400: message to delete not found)',
      hint: expect.stringContaining('permanent id'),
    });
    // Ids do not shift: the next message takes the next number.
    const [next] = await json('msg @alice_started after the deletion');
    expect(next!.message_id).toBe(id + 1);
  });

  it('each refusal is one clear FAIL line', async () => {
    // Alice's own message: a bot edits only what it sent.
    const said = world().driver.sendPrivate(ALICE, 'my own words');
    expect(await fail(`edit_msg ${pid(ALICE, said.message_id)} rewritten`)).toMatchObject({
      error: "edit_msg: the bot can edit only messages it sent (400: message can't be edited)",
      hint: expect.stringContaining('[as=user]'),
    });
    expect(await fail(`edit_msg ${pid(ALICE, 9999)} x`)).toMatchObject({ error: expect.stringMatching(/^edit_msg: that message is not there .*\(400: message to edit not found\)$/) });
    expect(await fail(`fwd @example_user ${pid(ALICE, 9999)}`)).toMatchObject({ error: expect.stringMatching(/^fwd: that message is not there .*\(400: message to forward not found\)$/) });
    expect(await fail(`reply ${pid(ALICE, 9999)} to nothing`)).toMatchObject({ error: expect.stringMatching(/^reply: that message is not there .*\(400: message to be replied not found\)$/) });
    // The user's message, but weeks old (the seeded /start): the 48-hour rule.
    expect(await fail(`delete_msg ${pid(ALICE, 1)}`)).toMatchObject({
      error: "delete_msg: the bot may not delete that message (400: message can't be deleted)",
      hint: expect.stringContaining('48 hours'),
    });
    // A protected message may not be forwarded.
    const kept = await services.sandbox()!.world.addMessage(BOT, world().chat(ALICE), { from: world().botApiUser(world().user(BOT)), text: 'protected', has_protected_content: true }, { sentByBot: true });
    expect(await fail(`fwd @example_user ${pid(ALICE, kept.message_id)}`)).toMatchObject({
      error: "fwd: that message may not be forwarded (protected content, or a service message) (400: message can't be forwarded)",
    });
    // Refusals about the chat written in name it, as msg's do.
    expect(await fail(`fwd @bob_blocked ${pid(ALICE, first)}`)).toMatchObject({ error: 'Bob Blocked has blocked the bot (403: bot was blocked by the user)' });
    expect(await fail(`fwd @carol_never ${pid(ALICE, first)}`)).toMatchObject({
      error: expect.stringMatching(/^Carol Never has not started the bot, so it can not write to them \(403: bot can't initiate conversation with a user\); send them the start link /),
    });
    expect(await fail(`[topic=9] fwd @tgsh_forum ${pid(ALICE, first)}`)).toMatchObject({ code: 22, error: 'tgsh Forum has no topic 9 (400: message thread not found)' });
    expect(await fail(`reply ${pid(200000002, 1)} hi Bob`)).toMatchObject({ error: 'Bob Blocked has blocked the bot (403: bot was blocked by the user)' });
    // A message of a chat the bot never met.
    expect(await fail(`fwd @example_user ${pid(6123456789, 1)}`)).toMatchObject({
      error: 'fwd: the bot does not know that chat (400: chat not found)',
      hint: expect.stringContaining('permanent id'),
    });
    // The user's message in a private chat: the bot may delete it while it is new.
    expect(await text(`delete_msg ${pid(ALICE, said.message_id)}`)).toBe('SUCCESS\n');
    expect(world().messages(ALICE, { bot: BOT }).map((m) => m.text)).not.toContain('my own words');
  });
});
