// What the bot edits, forwards and deletes (edit_msg, fwd, delete_msg as the bot) reaches the user's
// own account over MTProto: the logged-in user's history shows the new text (edited), a forward
// from its sender, and no longer the deleted message.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMessageId, parseMessageId } from '../../src/peers/message-id.js';
import type { SandboxSession } from '../helpers/sandbox.js';
import { ALICE, BOT, EXAMPLE, sandboxForFile, userSession } from './helpers.js';

const f = sandboxForFile();
let s: SandboxSession;
const pid = (user: number, n: number): string => encodeMessageId({ type: 'user', peerId: user, accessHash: 0n, messageId: n });
type Json = Record<string, any>;

beforeAll(async () => {
  s = f.keep(await userSession(f.sandbox()));
});

async function lastFromBot(): Promise<Json | undefined> {
  const [list] = (await s.json('[as=user] history @tgsh_sandbox_bot 1')) as Json[][];
  return list![0];
}

describe("the bot's edits and deletions in the user's account", () => {
  it('edit_msg: the history shows the new text, marked edited', async () => {
    const [sent] = (await s.json('msg @example_user first words')) as Json[];
    const id = sent!.message_id as number;
    expect(await lastFromBot()).toMatchObject({ text: 'first words', out: false });
    expect(await s.text(`edit_msg ${pid(EXAMPLE, id)} better words`)).toMatch(/Example <<< better words\n$/);
    const m = await lastFromBot();
    expect(m).toMatchObject({ text: 'better words', out: false, edited: true });
    const ref = parseMessageId(m!.id as string);
    expect(ref).toMatchObject({ kind: 'permanent', peerId: BOT });
    expect(f.sandbox().world.accounts.account(EXAMPLE).messages.get((ref as { messageId: number }).messageId)?.editDate).toBeDefined();
  });

  it("fwd: a forward of Alice's message shows her as its sender", async () => {
    const said = f.sandbox().world.driver.sendPrivate(ALICE, 'from Alice, via the bot');
    await s.run(`fwd @example_user ${pid(ALICE, said.message_id)}`);
    const m = await lastFromBot();
    expect(m).toMatchObject({ text: 'from Alice, via the bot' });
    expect(m!.fwd_from).toMatchObject({ peer_id: ALICE });
  });

  it('delete_msg: the message leaves the history', async () => {
    const [sent] = (await s.json('msg @example_user going away')) as Json[];
    expect((await lastFromBot())!.text).toBe('going away');
    expect(await s.text(`delete_msg ${pid(EXAMPLE, sent!.message_id as number)}`)).toBe('SUCCESS\n');
    expect((await lastFromBot())!.text).not.toBe('going away');
    const texts = f.sandbox().world.accounts.account(EXAMPLE).history({ type: 'user', id: BOT }).map((x) => x.text);
    expect(texts).not.toContain('going away');
    expect(texts).toContain('better words');
  });
});
