// A user account's box: history paging as Telegram pages it, dialogs, search, read marks,
// forwarding, editing and deleting (with their effect on the other side's copy), contacts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { CHANNEL_ID_OFFSET } from '../../../src/sandbox/world/core.js';
import { invokeWithTimeout, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { accountWorld, ALICE, bigId, CAROL, EVE, EXAMPLE, history, ids, inputUser, loginAs, randomId, send, texts } from './account-helpers.js';
import { Api, Cleanup, failure, long, startTestServer } from './helpers.js';

const cleanup = new Cleanup();
let server: MtprotoServer;
let me: MtprotoClient;
let carol: MtprotoClient;

beforeAll(async () => {
  server = cleanup.server(await startTestServer({ world: accountWorld() }));
  me = cleanup.client(await loginAs(server, EXAMPLE));
  carol = cleanup.client(await loginAs(server, CAROL));
  // Ten messages to Eve: ids 1..10 in example_user's box.
  for (let i = 1; i <= 10; i++) await send(me, inputUser(server, EVE), `m${i}`);
});
afterAll(() => cleanup.run());

describe('MTProto data centre: history of a user account', () => {
  it('pages with limit, offset_id and add_offset as Telegram does', async () => {
    const eve = inputUser(server, EVE);
    const newest = await history(me, eve, { limit: 3 });
    expect(newest).toBeInstanceOf(Api.messages.MessagesSlice);
    expect((newest as Api.messages.MessagesSlice).count).toBe(10);
    expect(ids(newest)).toEqual([10, 9, 8]);
    // offset_id: strictly older than it.
    expect(ids(await history(me, eve, { offsetId: 8, limit: 3 }))).toEqual([7, 6, 5]);
    // A negative add_offset reaches newer messages, offset_id included.
    expect(ids(await history(me, eve, { offsetId: 5, addOffset: -2, limit: 4 }))).toEqual([6, 5, 4, 3]);
    expect(ids(await history(me, eve, { offsetId: 3, addOffset: -3, limit: 3 }))).toEqual([5, 4, 3]);
    // Past the end: what is left.
    expect(ids(await history(me, eve, { offsetId: 3, limit: 5 }))).toEqual([2, 1]);
    // min_id / max_id bound the page.
    expect(ids(await history(me, eve, { minId: 7, limit: 20 }))).toEqual([10, 9, 8]);
    expect(ids(await history(me, eve, { maxId: 3, limit: 20 }))).toEqual([2, 1]);
    // Everything at once: messages.messages.
    const all = await history(me, eve, { limit: 100 });
    expect(all).toBeInstanceOf(Api.messages.Messages);
    expect(texts(all)).toEqual(['m10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1']);
  });

  it('searches one peer by text, and the whole box with an empty peer', async () => {
    await send(me, inputUser(server, ALICE), 'M1 for Alice');
    const search = (peer: Api.TypeInputPeer, q: string, limit = 20) =>
      invokeWithTimeout(
        me,
        new Api.messages.Search({ peer, q, filter: new Api.InputMessagesFilterEmpty(), minDate: 0, maxDate: 0, offsetId: 0, addOffset: 0, limit, maxId: 0, minId: 0, hash: long(0) }),
      ) as Promise<Api.messages.Messages | Api.messages.MessagesSlice>;
    // "m1" matches m1 and m10, case-insensitively, newest first.
    expect(texts(await search(inputUser(server, EVE), 'm1'))).toEqual(['m10', 'm1']);
    expect(texts(await search(new Api.InputPeerEmpty(), 'm1'))).toEqual(['M1 for Alice', 'm10', 'm1']);
    const sliced = await search(inputUser(server, EVE), 'm', 2);
    expect((sliced as Api.messages.MessagesSlice).count).toBe(10);
    expect(texts(await search(inputUser(server, EVE), 'nothing like it'))).toEqual([]);
  });

  it('lists dialogs newest first with unread counts, and marks read on both sides', async () => {
    await send(carol, inputUser(server, EXAMPLE), 'from Carol 1');
    await send(carol, inputUser(server, EXAMPLE), 'from Carol 2');
    const dialogs = (await invokeWithTimeout(
      me,
      new Api.messages.GetDialogs({ offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty(), limit: 20, hash: long(0) }),
    )) as Api.messages.Dialogs;
    expect(dialogs).toBeInstanceOf(Api.messages.Dialogs);
    const label = (d: Api.TypeDialog): string => (d.peer instanceof Api.PeerUser ? `user:${bigId(d.peer.userId)}` : d.peer instanceof Api.PeerChannel ? `channel:${bigId(d.peer.channelId)}` : 'other');
    const all = dialogs.dialogs.map(label);
    expect(all.filter((l) => l.startsWith('user:'))).toEqual([`user:${CAROL}`, `user:${ALICE}`, `user:${EVE}`]);
    expect(all[0]).toBe(`user:${CAROL}`);
    // The supergroups and channels the account is a member of (with a message) are dialogs too, with the chat's pts.
    const memberOf = [...server.world.channels.values()].filter((c) => c.members.includes(EXAMPLE) && server.world.messages(-CHANNEL_ID_OFFSET - c.id).length > 0);
    expect(memberOf.length).toBeGreaterThan(0);
    expect(all.filter((l) => l.startsWith('channel:')).sort()).toEqual(memberOf.map((c) => `channel:${c.id}`).sort());
    for (const d of dialogs.dialogs.filter((x) => x.peer instanceof Api.PeerChannel) as Api.Dialog[]) {
      expect(d.pts).toBeGreaterThan(0);
      const top = dialogs.messages.find((m) => m.id === d.topMessage && m.peerId instanceof Api.PeerChannel);
      expect(top, label(d)).toBeDefined();
      expect(dialogs.chats.some((c) => c instanceof Api.Channel && c.id.equals(d.peer instanceof Api.PeerChannel ? d.peer.channelId : 0))).toBe(true);
    }
    const withCarol = dialogs.dialogs[0] as Api.Dialog;
    expect(withCarol.unreadCount).toBe(2);
    const top = dialogs.messages.find((m) => m.id === withCarol.topMessage) as Api.Message;
    expect(top.message).toBe('from Carol 2');
    expect(top.out).toBe(false);
    // Paging after the last dialog's top message (its date, id and peer, as clients page).
    const page = (await invokeWithTimeout(
      me,
      new Api.messages.GetDialogs({ offsetDate: top.date, offsetId: withCarol.topMessage, offsetPeer: inputUser(server, CAROL), limit: 1, hash: long(0) }),
    )) as Api.messages.DialogsSlice;
    expect(page).toBeInstanceOf(Api.messages.DialogsSlice);
    expect(page.count).toBe(all.length);
    expect(page.dialogs.map(label)).toEqual([all[1]]);

    const before = (await invokeWithTimeout(me, new Api.updates.GetState())) as Api.updates.State;
    expect(before.unreadCount).toBe(2);
    const read = (await invokeWithTimeout(me, new Api.messages.ReadHistory({ peer: inputUser(server, CAROL), maxId: 0 }))) as Api.messages.AffectedMessages;
    expect([read.pts, read.ptsCount]).toEqual([before.pts + 1, 1]);
    const after = (await invokeWithTimeout(me, new Api.updates.GetState())) as Api.updates.State;
    expect(after.unreadCount).toBe(0);
    // Carol learns both her messages were read: her outbox mark is her own id of the second.
    const carolBox = server.world.accounts.account(CAROL);
    const second = carolBox.history({ type: 'user', id: EXAMPLE }).find((m) => m.text === 'from Carol 2')!;
    expect(carolBox.readOutbox.get(`user:${EXAMPLE}`)).toBe(second.id);
    // Reading again changes nothing.
    expect(((await invokeWithTimeout(me, new Api.messages.ReadHistory({ peer: inputUser(server, CAROL), maxId: 0 }))) as Api.messages.AffectedMessages).ptsCount).toBe(0);
  });

  it('forwards with the original author in the header, and refuses ids it does not hold', async () => {
    const fromCarol = (await history(me, inputUser(server, CAROL), { limit: 1 })).messages[0] as Api.Message;
    const r = (await invokeWithTimeout(
      me,
      new Api.messages.ForwardMessages({ fromPeer: inputUser(server, CAROL), id: [fromCarol.id], randomId: [randomId()], toPeer: inputUser(server, ALICE) }),
    )) as Api.Updates;
    const idUpdate = r.updates.find((u) => u instanceof Api.UpdateMessageID) as Api.UpdateMessageID;
    const fresh = r.updates.find((u) => u instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage;
    const fwd = fresh.message as Api.Message;
    expect(fwd.id).toBe(idUpdate.id);
    expect(fwd.message).toBe('from Carol 2');
    expect(bigId((fwd.fwdFrom!.fromId as Api.PeerUser).userId)).toBe(BigInt(CAROL));
    const alicesCopy = server.world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).at(-1)!;
    expect([alicesCopy.text, alicesCopy.fwdFrom?.from]).toEqual(['from Carol 2', CAROL]);
    const bad = invokeWithTimeout(me, new Api.messages.ForwardMessages({ fromPeer: inputUser(server, CAROL), id: [99999], randomId: [randomId()], toPeer: inputUser(server, ALICE) }));
    expect((await failure(bad)).errorMessage).toBe('MESSAGE_ID_INVALID');
    const mismatch = invokeWithTimeout(me, new Api.messages.ForwardMessages({ fromPeer: inputUser(server, CAROL), id: [fromCarol.id], randomId: [], toPeer: inputUser(server, ALICE) }));
    expect((await failure(mismatch)).errorMessage).toBe('RANDOM_ID_INVALID');
  });

  it('edits its own message (the other copy too) and refuses what Telegram refuses', async () => {
    const sent = (await send(me, inputUser(server, CAROL), 'typo hre')) as Api.UpdateShortSentMessage;
    const edit = (id: number, message: string, peer = inputUser(server, CAROL)) => invokeWithTimeout(me, new Api.messages.EditMessage({ peer, id, message }));
    const r = (await edit(sent.id, 'typo here')) as Api.Updates;
    const upd = r.updates[0] as Api.UpdateEditMessage;
    expect(upd).toBeInstanceOf(Api.UpdateEditMessage);
    expect((upd.message as Api.Message).message).toBe('typo here');
    expect((upd.message as Api.Message).editDate).toBeGreaterThan(0);
    const carolsCopy = server.world.accounts.account(CAROL).history({ type: 'user', id: EXAMPLE }).at(-1)!;
    expect([carolsCopy.text, carolsCopy.editDate !== undefined]).toEqual(['typo here', true]);
    expect((await failure(edit(sent.id, 'typo here'))).errorMessage).toBe('MESSAGE_NOT_MODIFIED');
    expect((await failure(edit(sent.id, 'y'.repeat(4097)))).errorMessage).toBe('MESSAGE_TOO_LONG');
    expect((await failure(edit(sent.id, ''))).errorMessage).toBe('MESSAGE_EMPTY');
    expect((await failure(edit(99999, 'x'))).errorMessage).toBe('MESSAGE_ID_INVALID');
    const incoming = (await history(me, inputUser(server, CAROL))).messages.find((m) => !(m as Api.Message).out)!;
    const notMine = await failure(edit(incoming.id, 'rewrite history'));
    expect([notMine.code, notMine.errorMessage]).toEqual([403, 'MESSAGE_AUTHOR_REQUIRED']);
    server.world.advanceClock(172801_000);
    try {
      expect((await failure(edit(sent.id, 'much later'))).errorMessage).toBe('MESSAGE_EDIT_TIME_EXPIRED');
    } finally {
      server.world.advanceClock(-172801_000);
    }
  });

  it('deletes for itself, or for both with revoke; pts moves by the number deleted', async () => {
    const one = (await send(me, inputUser(server, CAROL), 'delete me here')) as Api.UpdateShortSentMessage;
    const two = (await send(me, inputUser(server, CAROL), 'delete me everywhere')) as Api.UpdateShortSentMessage;
    const carolTexts = () => server.world.accounts.account(CAROL).history({ type: 'user', id: EXAMPLE }).map((m) => m.text);
    const mine = (await invokeWithTimeout(me, new Api.messages.DeleteMessages({ id: [one.id, 424242] }))) as Api.messages.AffectedMessages;
    expect([mine.pts, mine.ptsCount]).toEqual([two.pts + 1, 1]);
    expect(carolTexts()).toContain('delete me here');
    const both = (await invokeWithTimeout(me, new Api.messages.DeleteMessages({ id: [two.id], revoke: true }))) as Api.messages.AffectedMessages;
    expect(both.ptsCount).toBe(1);
    expect(carolTexts()).not.toContain('delete me everywhere');
    expect(ids(await history(me, inputUser(server, CAROL), { limit: 100 }))).not.toContain(two.id);
    const none = (await invokeWithTimeout(me, new Api.messages.DeleteMessages({ id: [one.id] }))) as Api.messages.AffectedMessages;
    expect(none.ptsCount).toBe(0);
  });

  it('lists contacts with their mutual flag', async () => {
    const c = (await invokeWithTimeout(me, new Api.contacts.GetContacts({ hash: long(0) }))) as Api.contacts.Contacts;
    expect(c.contacts.map((x) => [bigId(x.userId), x.mutual])).toEqual([
      [BigInt(ALICE), false],
      [BigInt(CAROL), false],
    ]);
    expect(c.users.every((u) => (u as Api.User).contact === true)).toBe(true);
  });
});
