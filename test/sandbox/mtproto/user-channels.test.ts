// A user account in supergroups and broadcast channels, over MTProto against the sandbox's data
// centre: the chat's one box (ids shared by every member, the Bot API side's box), its history and
// search, read marks, deletions with Telegram's rights, files there and back, forwards in and out,
// posting in a broadcast channel as its admin, getChannelDifference, and each refusal.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { defaultWorldData } from '../../../src/sandbox/world/default-world.js';
import { World } from '../../../src/sandbox/world/world.js';
import { invokeWithTimeout, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { ALICE, bigId, CAROL, DORA, EXAMPLE, ids, inputUser, loginAs, randomId, send, texts, UpdateCatcher } from './account-helpers.js';
import { Api, Cleanup, failure, long, SANDBOX_API_HASH, SANDBOX_API_ID, startTestServer } from './helpers.js';
import { LayerClient } from './layer-client.js';
import { MTCUTE_LAYER } from '../../../src/sandbox/mtproto/layers/index.js';
import { pngHeader as png } from '../../helpers/images.js';

const COMMUNITY = 1234567890; // supergroup: example_user (creator, admin), Alice, Carol, the bot
const NEWS = 1098765432; // broadcast @tgsh_news: example_user (creator), Alice, Carol here, the bot (admin)
const QUIET = 5550001; // private supergroup (no username): Alice, Carol
const BOT = 7000000001;
const botApiId = (id: number) => -(1_000_000_000_000 + id);

function channelWorld(): World {
  const data = defaultWorldData();
  for (const [id, phone, code] of [
    [CAROL, '15550003333', '33333'],
    [DORA, '15550004444', '44444'],
  ] as const) {
    const u = data.users.find((x) => x.id === id)!;
    u.phone = phone;
    u.login_code = code;
  }
  data.channels.find((c) => c.id === NEWS)!.members.push(CAROL);
  data.channels.push({ id: QUIET, access_hash: '777000111', title: 'Quiet Room', broadcast: false, members: [ALICE, CAROL], creator: ALICE });
  return new World(data);
}

const cleanup = new Cleanup();
let server: MtprotoServer;
let me: MtprotoClient;
let carol: MtprotoClient;
let dora: MtprotoClient;
let myUpdates: UpdateCatcher;
let carolsUpdates: UpdateCatcher;
let dorasUpdates: UpdateCatcher;

beforeAll(async () => {
  server = cleanup.server(await startTestServer({ world: channelWorld() }));
  me = cleanup.client(await loginAs(server, EXAMPLE));
  carol = cleanup.client(await loginAs(server, CAROL));
  dora = cleanup.client(await loginAs(server, DORA));
  myUpdates = new UpdateCatcher(me);
  carolsUpdates = new UpdateCatcher(carol);
  dorasUpdates = new UpdateCatcher(dora);
});
afterAll(() => cleanup.run());

const peer = (id: number, hash?: string) => new Api.InputPeerChannel({ channelId: long(id), accessHash: long(hash ?? server.world.channels.get(id)!.access_hash) });
const input = (id: number) => new Api.InputChannel({ channelId: long(id), accessHash: long(server.world.channels.get(id)!.access_hash) });
const call = <T>(c: MtprotoClient, r: Api.AnyRequest) => invokeWithTimeout(c, r) as Promise<T>;

function history(c: MtprotoClient, p: Api.TypeInputPeer, args: Partial<ConstructorParameters<typeof Api.messages.GetHistory>[0]> = {}) {
  return call<Api.messages.ChannelMessages>(c, new Api.messages.GetHistory({ peer: p, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 20, maxId: 0, minId: 0, hash: long(0), ...args }));
}

async function post(c: MtprotoClient, p: Api.TypeInputPeer, text: string): Promise<Api.Message> {
  const u = (await send(c, p, text)) as Api.Updates;
  return (u.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
}

let fileCounter = 9000;
async function upload(c: MtprotoClient, bytes: Buffer, name: string): Promise<Api.InputFile> {
  const fileId = long(++fileCounter);
  const part = 4096;
  for (let i = 0; i * part < bytes.length; i++) await call(c, new Api.upload.SaveFilePart({ fileId, filePart: i, bytes: bytes.subarray(i * part, (i + 1) * part) }));
  return new Api.InputFile({ id: fileId, parts: Math.ceil(bytes.length / part), name, md5Checksum: '' });
}

async function download(c: MtprotoClient, location: Api.TypeInputFileLocation): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let offset = 0; ; offset += 4096) {
    const r = await call<Api.upload.File>(c, new Api.upload.GetFile({ location, offset: long(offset), limit: 4096 }));
    chunks.push(Buffer.from(r.bytes));
    if (r.bytes.length < 4096) return Buffer.concat(chunks);
  }
}

describe('MTProto data centre: a supergroup as its members see it', () => {
  it("one box for every member: the same ids, each member's own out flags, authors as PeerUser", async () => {
    const a = await post(me, peer(COMMUNITY), 'c1 from me');
    const b = await post(carol, peer(COMMUNITY), 'c2 from Carol');
    const c = await post(me, peer(COMMUNITY), 'c3 from me');
    expect([b.id, c.id]).toEqual([a.id + 1, a.id + 2]);
    const mine = await history(me, peer(COMMUNITY), { limit: 3 });
    const hers = await history(carol, peer(COMMUNITY), { limit: 3 });
    expect(mine).toBeInstanceOf(Api.messages.ChannelMessages);
    expect(ids(mine)).toEqual([c.id, b.id, a.id]);
    expect(ids(hers)).toEqual(ids(mine));
    expect(texts(mine)).toEqual(['c3 from me', 'c2 from Carol', 'c1 from me']);
    expect(mine.messages.map((m) => (m as Api.Message).out)).toEqual([true, false, true]);
    expect(hers.messages.map((m) => (m as Api.Message).out)).toEqual([false, true, false]);
    for (const m of mine.messages as Api.Message[]) {
      expect(bigId((m.peerId as Api.PeerChannel).channelId)).toBe(BigInt(COMMUNITY));
      expect(m.fromId).toBeInstanceOf(Api.PeerUser);
      expect(m.post).toBeFalsy();
    }
    expect(bigId(((hers.messages[1] as Api.Message).fromId as Api.PeerUser).userId)).toBe(BigInt(CAROL));
    // The chat and both authors come with the answer.
    expect(mine.chats.map((x) => bigId(x.id))).toContain(BigInt(COMMUNITY));
    expect(mine.users.map((x) => bigId(x.id))).toEqual(expect.arrayContaining([BigInt(EXAMPLE), BigInt(CAROL)]));
    // The Bot API side keeps the same messages, under the same ids.
    expect(server.world.messages(botApiId(COMMUNITY)).slice(-3).map((m) => [m.message_id, m.text, m.from?.id])).toEqual([
      [a.id, 'c1 from me', EXAMPLE],
      [b.id, 'c2 from Carol', CAROL],
      [c.id, 'c3 from me', EXAMPLE],
    ]);
  });

  it('pages with limit, offset_id and add_offset; count is the whole chat', async () => {
    const first = (await post(me, peer(COMMUNITY), 'p1')).id;
    for (let i = 2; i <= 6; i++) await post(me, peer(COMMUNITY), `p${i}`);
    const all = await history(me, peer(COMMUNITY), { limit: 100 });
    expect(all.count).toBe(all.messages.length);
    expect(texts(await history(me, peer(COMMUNITY), { offsetId: first + 4, limit: 2 }))).toEqual(['p4', 'p3']);
    expect(texts(await history(me, peer(COMMUNITY), { offsetId: first + 2, addOffset: -2, limit: 3 }))).toEqual(['p4', 'p3', 'p2']);
    expect(texts(await history(me, peer(COMMUNITY), { minId: first + 3, limit: 10 }))).toEqual(['p6', 'p5']);
  });

  it('refuses a wrong access hash (CHANNEL_INVALID) and a private chat to a non-member (CHANNEL_PRIVATE)', async () => {
    const wrong = await failure(history(me, peer(COMMUNITY, '1')));
    expect([wrong.code, wrong.errorMessage]).toEqual([400, 'CHANNEL_INVALID']);
    const closed = await failure(history(me, peer(QUIET)));
    expect([closed.code, closed.errorMessage]).toEqual([406, 'CHANNEL_PRIVATE']);
    expect((await failure(call(me, new Api.channels.ReadHistory({ channel: input(QUIET), maxId: 0 })))).errorMessage).toBe('CHANNEL_PRIVATE');
    expect((await failure(call(me, new Api.channels.DeleteMessages({ channel: input(QUIET), id: [1] })))).errorMessage).toBe('CHANNEL_PRIVATE');
    // Its members read it.
    await post(carol, peer(QUIET), 'hush');
    expect(texts(await history(carol, peer(QUIET)))).toEqual(['hush']);
  });

  it('channels.readHistory marks the chat read for that member only', async () => {
    await post(carol, peer(COMMUNITY), 'read me');
    expect(await call(me, new Api.channels.ReadHistory({ channel: input(COMMUNITY), maxId: 0 }))).toBe(true);
    // Nothing new since: false, as Telegram answers.
    expect(await call(me, new Api.channels.ReadHistory({ channel: input(COMMUNITY), maxId: 0 }))).toBe(false);
    expect(await call(carol, new Api.channels.ReadHistory({ channel: input(COMMUNITY), maxId: 0 }))).toBe(true);
  });

  it('channels.deleteMessages: own messages, an admin any, others MESSAGE_DELETE_FORBIDDEN', async () => {
    const mine = await post(me, peer(COMMUNITY), 'mine to keep');
    const hers = await post(carol, peer(COMMUNITY), 'hers to delete');
    const hers2 = await post(carol, peer(COMMUNITY), 'hers, deleted by the admin');
    const forbidden = await failure(call(carol, new Api.channels.DeleteMessages({ channel: input(COMMUNITY), id: [mine.id, hers.id] })));
    expect([forbidden.code, forbidden.errorMessage]).toEqual([403, 'MESSAGE_DELETE_FORBIDDEN']);
    expect(ids(await history(carol, peer(COMMUNITY), { limit: 3 }))).toEqual([hers2.id, hers.id, mine.id]);
    const before = (await history(carol, peer(COMMUNITY), { limit: 1 })).pts;
    const own = await call<Api.messages.AffectedMessages>(carol, new Api.channels.DeleteMessages({ channel: input(COMMUNITY), id: [hers.id] }));
    expect([own.pts, own.ptsCount]).toEqual([before + 1, 1]);
    const admin = await call<Api.messages.AffectedMessages>(me, new Api.channels.DeleteMessages({ channel: input(COMMUNITY), id: [hers2.id, 999999] }));
    expect(admin.ptsCount).toBe(1);
    expect(ids(await history(carol, peer(COMMUNITY), { limit: 1 }))).toEqual([mine.id]);
    // Gone for the Bot API side too.
    expect(server.world.messages(botApiId(COMMUNITY)).map((m) => m.message_id)).not.toContain(hers.id);
    expect(server.world.findMessage(0, server.world.chat(botApiId(COMMUNITY)), hers2.id)).toBeUndefined();
  });

  it('channels.getMessages by id, MessageEmpty for what is not there', async () => {
    const m = await post(me, peer(COMMUNITY), 'by id');
    const r = await call<Api.messages.ChannelMessages>(carol, new Api.channels.GetMessages({ channel: input(COMMUNITY), id: [new Api.InputMessageID({ id: m.id }), new Api.InputMessageID({ id: 999999 })] }));
    expect((r.messages[0] as Api.Message).message).toBe('by id');
    expect(r.messages[1]).toBeInstanceOf(Api.MessageEmpty);
  });

  it('messages.search finds texts of the chat, newest first', async () => {
    await post(me, peer(COMMUNITY), 'Searchable apple');
    await post(carol, peer(COMMUNITY), 'another APPLE pie');
    const r = await call<Api.messages.ChannelMessages>(
      me,
      new Api.messages.Search({ peer: peer(COMMUNITY), q: 'apple', filter: new Api.InputMessagesFilterEmpty(), minDate: 0, maxDate: 0, offsetId: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: long(0) }),
    );
    expect(texts(r)).toEqual(['another APPLE pie', 'Searchable apple']);
    const fromCarol = await call<Api.messages.ChannelMessages>(
      me,
      new Api.messages.Search({ peer: peer(COMMUNITY), q: 'apple', fromId: inputUser(server, CAROL), filter: new Api.InputMessagesFilterEmpty(), minDate: 0, maxDate: 0, offsetId: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: long(0) }),
    );
    expect(texts(fromCarol)).toEqual(['another APPLE pie']);
  });
});

describe('MTProto data centre: files in a supergroup', () => {
  it('sendMedia with a caption: members download the same bytes; the bots see the file', async () => {
    const bytes = randomBytes(9000);
    const u = (await call<Api.Updates>(
      me,
      new Api.messages.SendMedia({
        peer: peer(COMMUNITY),
        media: new Api.InputMediaUploadedDocument({ file: await upload(me, bytes, 'report.bin'), mimeType: 'application/octet-stream', attributes: [new Api.DocumentAttributeFilename({ fileName: 'report.bin' })] }),
        message: 'the report',
        randomId: randomId(),
      }),
    ));
    const sent = (u.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    expect(sent).toMatchObject({ out: true, message: 'the report' });
    const [seen] = (await history(carol, peer(COMMUNITY), { limit: 1 })).messages as Api.Message[];
    expect(seen.id).toBe(sent.id);
    const doc = (seen.media as Api.MessageMediaDocument).document as Api.Document;
    expect((doc.attributes[0] as Api.DocumentAttributeFilename).fileName).toBe('report.bin');
    const got = await download(carol, new Api.InputDocumentFileLocation({ id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' }));
    expect(got.equals(bytes)).toBe(true);
    const kept = server.world.messages(botApiId(COMMUNITY)).at(-1)!;
    expect(kept).toMatchObject({ message_id: sent.id, caption: 'the report', from: { id: EXAMPLE }, document: { file_name: 'report.bin', file_size: 9000 } });
    expect(server.world.files.get(kept.document!.file_id)!.bytes).toEqual(bytes);

    const image = png(8, 6);
    const p = await call<Api.Updates>(carol, new Api.messages.SendMedia({ peer: peer(COMMUNITY), media: new Api.InputMediaUploadedPhoto({ file: await upload(carol, image, 'dot.png') }), message: '', randomId: randomId() }));
    const photoMsg = (p.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    const photo = (photoMsg.media as Api.MessageMediaPhoto).photo as Api.Photo;
    const back = await download(me, new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: photo.fileReference, thumbSize: 'y' }));
    expect(back.equals(image)).toBe(true);
    expect(server.world.messages(botApiId(COMMUNITY)).at(-1)).toMatchObject({ photo: [{ width: 8, height: 6 }], from: { id: CAROL } });
  });

  it('refuses a caption over 1024 characters and a file to a chat it may not write in', async () => {
    const file = await upload(me, randomBytes(100), 'x.bin');
    const media = new Api.InputMediaUploadedDocument({ file, mimeType: 'application/octet-stream', attributes: [] });
    expect((await failure(call(me, new Api.messages.SendMedia({ peer: peer(COMMUNITY), media, message: 'x'.repeat(1025), randomId: randomId() })))).errorMessage).toBe('MEDIA_CAPTION_TOO_LONG');
    const alice = await failure(call(carol, new Api.messages.SendMedia({ peer: peer(NEWS), media, message: '', randomId: randomId() })));
    expect([alice.code, alice.errorMessage]).toEqual([403, 'CHAT_WRITE_FORBIDDEN']);
  });
});

describe('MTProto data centre: a broadcast channel', () => {
  it("its creator posts: post=true, no from_id; its members read it; the channel's bots get channel_post", async () => {
    const m = await post(me, peer(NEWS), 'Release 1.0 is out');
    expect(m).toMatchObject({ out: true, post: true, message: 'Release 1.0 is out' });
    expect(m.fromId).toBeFalsy();
    const [seen] = (await history(carol, peer(NEWS), { limit: 1 })).messages as Api.Message[];
    expect(seen).toMatchObject({ id: m.id, post: true, out: false, message: 'Release 1.0 is out' });
    expect(seen.fromId).toBeFalsy();
    const kept = server.world.messages(botApiId(NEWS)).at(-1)!;
    expect(kept).toMatchObject({ message_id: m.id, text: 'Release 1.0 is out', sender_chat: { id: botApiId(NEWS), type: 'channel' } });
    expect(kept.from).toBeUndefined();
    expect(server.world.updates(BOT).all().at(-1)).toMatchObject({ channel_post: { message_id: m.id, text: 'Release 1.0 is out' } });
  });

  it('a member who is not an admin may not post (CHAT_WRITE_FORBIDDEN) nor delete (MESSAGE_DELETE_FORBIDDEN)', async () => {
    const before = server.world.messages(botApiId(NEWS)).length;
    const e = await failure(send(carol, peer(NEWS), 'me too'));
    expect([e.code, e.errorMessage]).toEqual([403, 'CHAT_WRITE_FORBIDDEN']);
    expect(server.world.messages(botApiId(NEWS))).toHaveLength(before);
    const last = server.world.messages(botApiId(NEWS)).at(-1)!;
    expect((await failure(call(carol, new Api.channels.DeleteMessages({ channel: input(NEWS), id: [last.message_id] })))).errorMessage).toBe('MESSAGE_DELETE_FORBIDDEN');
  });

  it('a public channel is readable by anyone not banned (Dora is no member); she may not post', async () => {
    await post(me, peer(NEWS), 'for everyone');
    expect(texts(await history(dora, peer(NEWS), { limit: 1 }))).toEqual(['for everyone']);
    expect((await failure(send(dora, peer(NEWS), 'hi'))).errorMessage).toBe('CHAT_WRITE_FORBIDDEN');
  });
});

describe('MTProto data centre: forwards with supergroups and channels', () => {
  it('from a supergroup to a user: the copy names its author; from a channel: the channel and its post', async () => {
    const hers = await post(carol, peer(COMMUNITY), 'worth passing on');
    const news = await post(me, peer(NEWS), 'news worth passing on');
    const r = await call<Api.Updates>(me, new Api.messages.ForwardMessages({ fromPeer: peer(COMMUNITY), id: [hers.id], randomId: [randomId()], toPeer: inputUser(server, ALICE) }));
    const fwd = (r.updates.find((x) => x instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage).message as Api.Message;
    expect(fwd.message).toBe('worth passing on');
    expect(bigId((fwd.fwdFrom!.fromId as Api.PeerUser).userId)).toBe(BigInt(CAROL));
    const aliceCopy = server.world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).at(-1)!;
    expect(aliceCopy).toMatchObject({ text: 'worth passing on', fwdFrom: { from: CAROL } });
    const r2 = await call<Api.Updates>(me, new Api.messages.ForwardMessages({ fromPeer: peer(NEWS), id: [news.id], randomId: [randomId()], toPeer: inputUser(server, ALICE) }));
    const fwd2 = (r2.updates.find((x) => x instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage).message as Api.Message;
    expect(bigId((fwd2.fwdFrom!.fromId as Api.PeerChannel).channelId)).toBe(BigInt(NEWS));
    expect(fwd2.fwdFrom!.channelPost).toBe(news.id);
    expect(r2.chats.map((c) => bigId(c.id))).toContain(BigInt(NEWS));
  });

  it('into a supergroup from a private chat and from a channel: the bots see forward_origin', async () => {
    const sent = (await send(me, inputUser(server, ALICE), 'private words')) as Api.UpdateShortSentMessage;
    const r = await call<Api.Updates>(me, new Api.messages.ForwardMessages({ fromPeer: inputUser(server, ALICE), id: [sent.id], randomId: [randomId()], toPeer: peer(COMMUNITY) }));
    const m = (r.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    expect(m).toMatchObject({ out: true, message: 'private words' });
    expect(bigId((m.fwdFrom!.fromId as Api.PeerUser).userId)).toBe(BigInt(EXAMPLE));
    expect(server.world.messages(botApiId(COMMUNITY)).at(-1)).toMatchObject({ text: 'private words', from: { id: EXAMPLE }, forward_origin: { type: 'user', sender_user: { id: EXAMPLE } } });

    const news = await post(me, peer(NEWS), 'channel to group');
    const r2 = await call<Api.Updates>(me, new Api.messages.ForwardMessages({ fromPeer: peer(NEWS), id: [news.id], randomId: [randomId()], toPeer: peer(COMMUNITY) }));
    const m2 = (r2.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    expect(m2.fwdFrom).toMatchObject({ channelPost: news.id });
    expect(server.world.messages(botApiId(COMMUNITY)).at(-1)).toMatchObject({ text: 'channel to group', forward_origin: { type: 'channel', message_id: news.id } });
    // Carol sees it forwarded, under the same id.
    const [seen] = (await history(carol, peer(COMMUNITY), { limit: 1 })).messages as Api.Message[];
    expect(seen.id).toBe(m2.id);
    expect(bigId((seen.fwdFrom!.fromId as Api.PeerChannel).channelId)).toBe(BigInt(NEWS));
  });

  it('refuses a forward into a channel it may not post in, and from a private chat it is not in', async () => {
    const mine = await post(me, peer(COMMUNITY), 'not for News');
    expect((await failure(call(carol, new Api.messages.ForwardMessages({ fromPeer: peer(COMMUNITY), id: [mine.id], randomId: [randomId()], toPeer: peer(NEWS) })))).errorMessage).toBe('CHAT_WRITE_FORBIDDEN');
    expect((await failure(call(me, new Api.messages.ForwardMessages({ fromPeer: peer(QUIET), id: [1], randomId: [randomId()], toPeer: inputUser(server, ALICE) })))).errorMessage).toBe('CHANNEL_PRIVATE');
    expect((await failure(call(me, new Api.messages.ForwardMessages({ fromPeer: peer(COMMUNITY), id: [999999], randomId: [randomId()], toPeer: inputUser(server, ALICE) })))).errorMessage).toBe('MESSAGE_ID_INVALID');
  });
});

describe('MTProto data centre: updates.getChannelDifference', () => {
  it("replays the chat's messages and deletions after a pts, each once", async () => {
    const start = (await history(carol, peer(COMMUNITY), { limit: 1 })).pts;
    const x = await post(me, peer(COMMUNITY), 'diff 1');
    const y = await post(me, peer(COMMUNITY), 'diff 2');
    await call(me, new Api.channels.DeleteMessages({ channel: input(COMMUNITY), id: [x.id] }));
    const d = await call<Api.updates.ChannelDifference>(carol, new Api.updates.GetChannelDifference({ channel: input(COMMUNITY), filter: new Api.ChannelMessagesFilterEmpty(), pts: start, limit: 100 }));
    expect(d).toBeInstanceOf(Api.updates.ChannelDifference);
    expect(d.final).toBe(true);
    expect(d.pts).toBe(start + 3);
    expect(texts({ messages: d.newMessages })).toEqual(['diff 2']);
    expect(d.newMessages[0].id).toBe(y.id);
    expect(d.otherUpdates).toHaveLength(1);
    expect((d.otherUpdates[0] as Api.UpdateDeleteChannelMessages).messages).toEqual([x.id]);
    const empty = await call(carol, new Api.updates.GetChannelDifference({ channel: input(COMMUNITY), filter: new Api.ChannelMessagesFilterEmpty(), pts: d.pts, limit: 100 }));
    expect(empty).toBeInstanceOf(Api.updates.ChannelDifferenceEmpty);
  });
});

describe("MTProto data centre: a chat's updates pushed to its members", () => {
  const newIn = (channel: number, text: string) => (u: any) =>
    u instanceof Api.UpdateNewChannelMessage && bigId(((u.message as Api.Message).peerId as Api.PeerChannel).channelId) === BigInt(channel) && (u.message as Api.Message).message === text;

  it("a member's post reaches the other members' sessions with the chat's pts, not the poster's own", async () => {
    const mine = await post(me, peer(COMMUNITY), 'pushed to Carol');
    const got = await carolsUpdates.next<Api.UpdateNewChannelMessage>(newIn(COMMUNITY, 'pushed to Carol'));
    expect((got.message as Api.Message).id).toBe(mine.id);
    expect((got.message as Api.Message).out).toBe(false);
    expect(got.pts).toBe((await history(carol, peer(COMMUNITY), { limit: 1 })).pts);
    // What others write (the driver, as Alice) reaches this session too; its own post never did (pushes keep their order).
    server.world.driver.sendToChat(ALICE, '@tgsh_chat', 'Alice, pushed');
    const alice = await myUpdates.next<Api.UpdateNewChannelMessage>(newIn(COMMUNITY, 'Alice, pushed'));
    expect(bigId(((alice.message as Api.Message).fromId as Api.PeerUser).userId)).toBe(BigInt(ALICE));
    expect((myUpdates.seen as unknown[]).some(newIn(COMMUNITY, 'pushed to Carol'))).toBe(false);
  });

  it('a channel post reaches its members (not Dora, who is none); a deletion too', async () => {
    const p = await post(me, peer(NEWS), 'a pushed post');
    const got = await carolsUpdates.next<Api.UpdateNewChannelMessage>(newIn(NEWS, 'a pushed post'));
    expect(got.message).toMatchObject({ post: true, out: false, id: p.id });
    await call(me, new Api.channels.DeleteMessages({ channel: input(NEWS), id: [p.id] }));
    const del = await carolsUpdates.next<Api.UpdateDeleteChannelMessages>((u: any) => u instanceof Api.UpdateDeleteChannelMessages && u.messages.includes(p.id));
    expect(bigId(del.channelId)).toBe(BigInt(NEWS));
    // Dora reads the public channel, but as no member gets nothing pushed from it (a later private message does come).
    await send(me, inputUser(server, DORA), 'after the post');
    await dorasUpdates.next((u: any) => u instanceof Api.UpdateShortMessage && u.message === 'after the post');
    expect((dorasUpdates.seen as unknown[]).some(newIn(NEWS, 'a pushed post'))).toBe(false);
  });
});

describe("MTProto data centre: supergroups and channels at another layer (@mtcute/tl's)", () => {
  it('history with service messages, a file, a push and getChannelDifference, all read by that layer', async () => {
    const layered = await LayerClient.open(server);
    try {
      const config = await layered.call({
        _: 'invokeWithLayer',
        layer: MTCUTE_LAYER,
        query: { _: 'initConnection', apiId: SANDBOX_API_ID, deviceModel: 'test', systemVersion: 'test', appVersion: '1', systemLangCode: 'en', langPack: '', langCode: 'en', query: { _: 'help.getConfig' } },
      });
      expect(config._).toBe('config');
      const sent = await layered.call({ _: 'auth.sendCode', phoneNumber: '15550004444', apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, settings: { _: 'codeSettings' } });
      expect((await layered.call({ _: 'auth.signIn', phoneNumber: '15550004444', phoneCodeHash: sent.phoneCodeHash, phoneCode: '44444' }))._).toBe('auth.authorization');
      const forum = server.world.channels.get(1357913579)!;
      forum.members.push(DORA);
      const fp = { _: 'inputPeerChannel', channelId: forum.id, accessHash: BigInt(forum.access_hash) };
      const h = await layered.call({ _: 'messages.getHistory', peer: fp, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n });
      expect(h._).toBe('messages.channelMessages');
      expect(h.messages.map((m: any) => [m._, m.action?._])).toEqual([
        ['messageService', 'messageActionTopicCreate'],
        ['messageService', 'messageActionTopicCreate'],
        ['messageService', 'messageActionChannelCreate'],
      ]);
      // A file in a topic, pushed to the layer-223 member, and replayed by getChannelDifference.
      const before = h.pts;
      const file = await upload(me, Buffer.from('forum file'), 'f.txt');
      await call(me, new Api.messages.SendMedia({ peer: peer(forum.id), media: new Api.InputMediaUploadedDocument({ file, mimeType: 'text/plain', attributes: [] }), message: 'in Help', randomId: randomId(), replyTo: new Api.InputReplyToMessage({ replyToMsgId: 2, topMsgId: 2 }) }));
      const pushed = await layered.waitFor((x) => x.reqMsgId === undefined && x.obj?._ === 'updates' && x.obj.updates.some((u: any) => u._ === 'updateNewChannelMessage'));
      const m = pushed.obj.updates.find((u: any) => u._ === 'updateNewChannelMessage').message;
      expect([m.message, m.media._, m.replyTo.forumTopic, m.replyTo.replyToMsgId]).toEqual(['in Help', 'messageMediaDocument', true, 2]);
      const d = await layered.call({ _: 'updates.getChannelDifference', channel: { _: 'inputChannel', channelId: forum.id, accessHash: BigInt(forum.access_hash) }, filter: { _: 'channelMessagesFilterEmpty' }, pts: before, limit: 10 });
      expect([d._, d.newMessages.map((x: any) => x.message)]).toEqual(['updates.channelDifference', ['in Help']]);
    } finally {
      await layered.close();
    }
  });
});

describe('MTProto data centre: edits in supergroups and channels', () => {
  const edit = (c: MtprotoClient, p: Api.TypeInputPeer, id: number, message: string) => call<Api.Updates>(c, new Api.messages.EditMessage({ peer: p, id, message }));

  it("its author edits a text: the chat's box changes, members get updateEditChannelMessage, getChannelDifference has it", async () => {
    const m = await post(me, peer(COMMUNITY), 'first words');
    const start = (await history(carol, peer(COMMUNITY), { limit: 1 })).pts;
    const r = await edit(me, peer(COMMUNITY), m.id, 'better words');
    const u = r.updates[0] as Api.UpdateEditChannelMessage;
    expect(u).toBeInstanceOf(Api.UpdateEditChannelMessage);
    expect(u.message).toMatchObject({ id: m.id, message: 'better words', out: true });
    expect((u.message as Api.Message).editDate).toBeGreaterThan(0);
    expect(u.pts).toBe(start + 1);
    expect(server.world.findMessage(0, server.world.chat(botApiId(COMMUNITY)), m.id)).toMatchObject({ text: 'better words', edit_date: expect.any(Number) });
    const pushed = await carolsUpdates.next<Api.UpdateEditChannelMessage>((x: any) => x instanceof Api.UpdateEditChannelMessage && x.message.id === m.id);
    expect(pushed.message).toMatchObject({ message: 'better words', out: false });
    const d = await call<Api.updates.ChannelDifference>(carol, new Api.updates.GetChannelDifference({ channel: input(COMMUNITY), filter: new Api.ChannelMessagesFilterEmpty(), pts: start, limit: 10 }));
    expect(d.otherUpdates.map((x) => (x as Api.UpdateEditChannelMessage).message.id)).toEqual([m.id]);
  });

  it('refuses a message of someone else (MESSAGE_AUTHOR_REQUIRED), no change (MESSAGE_NOT_MODIFIED), none there (MESSAGE_ID_INVALID)', async () => {
    const m = await post(me, peer(COMMUNITY), 'mine alone');
    expect((await failure(edit(carol, peer(COMMUNITY), m.id, 'hers now'))).errorMessage).toBe('MESSAGE_AUTHOR_REQUIRED');
    expect((await failure(edit(me, peer(COMMUNITY), m.id, 'mine alone'))).errorMessage).toBe('MESSAGE_NOT_MODIFIED');
    expect((await failure(edit(me, peer(COMMUNITY), 999999, 'x'))).errorMessage).toBe('MESSAGE_ID_INVALID');
    const n = await post(me, peer(NEWS), 'a post to fix');
    expect((await failure(edit(carol, peer(NEWS), n.id, 'not hers'))).errorMessage).toBe('MESSAGE_AUTHOR_REQUIRED');
    const fixed = (await edit(me, peer(NEWS), n.id, 'a fixed post')).updates[0] as Api.UpdateEditChannelMessage;
    expect(fixed.message).toMatchObject({ post: true, message: 'a fixed post' });
    expect(server.world.messages(botApiId(NEWS)).find((x) => x.message_id === n.id)).toMatchObject({ text: 'a fixed post' });
  });

  it("a file's caption is edited in place", async () => {
    const file = await upload(me, randomBytes(50), 'c.bin');
    const u = await call<Api.Updates>(me, new Api.messages.SendMedia({ peer: peer(COMMUNITY), media: new Api.InputMediaUploadedDocument({ file, mimeType: 'application/octet-stream', attributes: [] }), message: 'old caption', randomId: randomId() }));
    const m = (u.updates.find((x) => x instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage).message as Api.Message;
    const r = (await edit(me, peer(COMMUNITY), m.id, 'new caption')).updates[0] as Api.UpdateEditChannelMessage;
    expect(r.message).toMatchObject({ message: 'new caption' });
    expect(server.world.messages(botApiId(COMMUNITY)).find((x) => x.message_id === m.id)).toMatchObject({ caption: 'new caption', document: expect.any(Object) });
  });
});
