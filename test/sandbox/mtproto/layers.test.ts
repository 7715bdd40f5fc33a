// API layers: a client at @mtcute/tl's layer (not GramJS's) logs in, resolves users, sends and
// reads messages and gets pushed updates, every object read with that layer's constructors by
// mtcute's own decoder; an unknown layer gets CONNECTION_LAYER_INVALID.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { GRAMJS_LAYER, MTCUTE_LAYER, SERVED_LAYERS } from '../../../src/sandbox/mtproto/layers/index.js';
import { gramjsSchema, mtcuteSchema } from '../../../src/sandbox/mtproto/layers/schema.js';
import { accountWorld, ALICE, CAROL, DORA, EXAMPLE, loginAs, send, inputUser, UpdateCatcher } from './account-helpers.js';
import { Api, Cleanup, SANDBOX_API_HASH, SANDBOX_API_ID, startTestServer } from './helpers.js';
import { LayerClient, MTCUTE_PACKAGE_VERSION, type TlObj } from './layer-client.js';

const cleanup = new Cleanup();
let server: MtprotoServer;
let client: LayerClient;
const clients: LayerClient[] = [];

const USER_198 = 0x4b46c37e;
const USER_223 = 0x31774388;

function withLayer(layer: number, query: TlObj): TlObj {
  return {
    _: 'invokeWithLayer',
    layer,
    query: { _: 'initConnection', apiId: SANDBOX_API_ID, deviceModel: 'test', systemVersion: 'test', appVersion: '1', systemLangCode: 'en', langPack: '', langCode: 'en', query },
  };
}

const hasCtor = (b: Buffer, id: number) => {
  const needle = Buffer.alloc(4);
  needle.writeUInt32LE(id);
  return b.includes(needle);
};

beforeAll(async () => {
  server = cleanup.server(await startTestServer({ world: accountWorld() }));
  client = await LayerClient.open(server);
  clients.push(client);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cleanup.run();
});

describe('MTProto data centre: API layers', () => {
  it('serves GramJS’s layer and the one @mtcute/tl ships, whose constructors differ', () => {
    expect(GRAMJS_LAYER).toBe(198);
    expect(SERVED_LAYERS).toEqual([198, MTCUTE_LAYER]);
    // The pinned package's major version is its layer.
    expect(Number(MTCUTE_PACKAGE_VERSION.split('.')[0])).toBe(MTCUTE_LAYER);
    expect(mtcuteSchema().layer).toBe(MTCUTE_LAYER);
    expect(gramjsSchema().byName.get('user')!.id).toBe(USER_198);
    expect(mtcuteSchema().byName.get('user')!.id).toBe(USER_223);
    expect(gramjsSchema().byName.get('messages.sendMessage')!.id).not.toBe(mtcuteSchema().byName.get('messages.sendMessage')!.id);
  });

  it('logs a layer-223 client in and answers it in layer 223', async () => {
    const config = await client.call(withLayer(MTCUTE_LAYER, { _: 'help.getConfig' }));
    expect(config._).toBe('config');
    expect(config.thisDc).toBe(server.dcId);
    expect(config.dcOptions[0].port).toBe(server.port);

    const sent = await client.call({ _: 'auth.sendCode', phoneNumber: '15550001111', apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, settings: { _: 'codeSettings' } });
    expect(sent._).toBe('auth.sentCode');
    const wrong = await client.call({ _: 'auth.signIn', phoneNumber: '15550001111', phoneCodeHash: sent.phoneCodeHash, phoneCode: '00000' });
    expect([wrong._, wrong.errorMessage]).toEqual(['mt_rpc_error', 'PHONE_CODE_INVALID']);
    const auth = await client.call({ _: 'auth.signIn', phoneNumber: '15550001111', phoneCodeHash: sent.phoneCodeHash, phoneCode: '12345' });
    expect(auth._).toBe('auth.authorization');
    expect(auth.user._).toBe('user');
    expect([auth.user.id, auth.user.self, auth.user.firstName]).toEqual([EXAMPLE, true, 'Example']);
  });

  it('resolves a user (id above 2^32) with layer 223’s user constructor', async () => {
    const id = await client.send({ _: 'contacts.resolveUsername', username: 'dora_bigid' });
    const answer = await client.waitFor((x) => x.reqMsgId === id);
    expect(hasCtor(answer.bytes, USER_223)).toBe(true);
    expect(hasCtor(answer.bytes, USER_198)).toBe(false);
    const r = answer.obj;
    expect(r._).toBe('contacts.resolvedPeer');
    expect(r.peer).toEqual({ _: 'peerUser', userId: DORA });
    const dora = r.users[0];
    expect([dora._, dora.id, dora.accessHash, dora.firstName, dora.username]).toEqual(['user', DORA, -9223372036854775807n, 'Dora', 'dora_bigid']);
    // A vector result (users.getUsers) too.
    const users = await client.call({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
    expect(users.map((u: TlObj) => [u._, u.id])).toEqual([['user', EXAMPLE]]);
  });

  it('sends, reads history and gets pushed updates in layer 223', async () => {
    const alice = server.world.users.get(ALICE)!;
    const peer = { _: 'inputPeerUser', userId: ALICE, accessHash: BigInt(alice.access_hash) };
    const sent = await client.call({ _: 'messages.sendMessage', peer, message: 'from layer 223', randomId: 4242n });
    expect(sent._).toBe('updateShortSentMessage');
    expect(server.world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).at(-1)!.text).toBe('from layer 223');
    const h = await client.call({ _: 'messages.getHistory', peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n });
    expect(h._).toBe('messages.messages');
    expect(h.messages.map((m: TlObj) => [m._, m.id, m.message, m.out])).toEqual([['message', sent.id, 'from layer 223', true]]);

    server.world.driver.sendToUser('@alice_started', EXAMPLE, 'pushed in 223');
    const pushed = await client.waitFor((x) => x.reqMsgId === undefined && x.obj?._ === 'updateShortMessage');
    expect([pushed.obj.message, pushed.obj.userId, pushed.obj.out]).toEqual(['pushed in 223', ALICE, false]);
    const diff = await client.call({ _: 'updates.getDifference', pts: pushed.obj.pts - 1, date: 0, qts: 0 });
    expect(diff._).toBe('updates.difference');
    expect(diff.newMessages.map((m: TlObj) => m.message)).toEqual(['pushed in 223']);
  });

  it('serves channels, basic groups, dialogs, media and difference objects in layer 223', async () => {
    const news = await client.call({ _: 'contacts.resolveUsername', username: 'tgsh_news' });
    expect([news.chats[0]._, news.chats[0].title, news.chats[0].broadcast]).toEqual(['channel', 'tgsh News', true]);
    const full = await client.call({ _: 'messages.getFullChat', chatId: 4567 });
    expect([full._, full.chats[0]._, full.fullChat._]).toEqual(['messages.chatFull', 'chat', 'chatFull']);
    const dialogs = await client.call({ _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n });
    expect(dialogs._).toBe('messages.dialogs');
    expect(dialogs.dialogs.every((d: TlObj) => d._ === 'dialog')).toBe(true);
    // A document uploaded and sent at layer 223, downloaded again.
    const bytes = Buffer.from('a small file at layer 223');
    expect(await client.call({ _: 'upload.saveFilePart', fileId: 77n, filePart: 0, bytes })).toBe(true);
    const alice = server.world.users.get(ALICE)!;
    const r = await client.call({
      _: 'messages.sendMedia',
      peer: { _: 'inputPeerUser', userId: ALICE, accessHash: BigInt(alice.access_hash) },
      media: { _: 'inputMediaUploadedDocument', file: { _: 'inputFile', id: 77n, parts: 1, name: 'f.txt', md5Checksum: '' }, mimeType: 'text/plain', attributes: [] },
      message: 'doc',
      randomId: 4444n,
    });
    expect(r._).toBe('updates');
    const doc = r.updates.find((u: TlObj) => u._ === 'updateNewMessage').message.media.document;
    expect(doc._).toBe('document');
    const file = await client.call({
      _: 'upload.getFile',
      location: { _: 'inputDocumentFileLocation', id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' },
      offset: 0n,
      limit: 4096,
    });
    expect([file._, Buffer.from(file.bytes).toString()]).toEqual(['upload.file', 'a small file at layer 223']);
  });

  it('a GramJS client (layer 198) and a layer-223 client talk to each other', async () => {
    const carol = cleanup.client(await loginAs(server, CAROL));
    const updates = new UpdateCatcher(carol);
    const c = server.world.users.get(CAROL)!;
    await client.call({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: CAROL, accessHash: BigInt(c.access_hash) }, message: 'across layers', randomId: 4343n });
    const u = await updates.next<Api.UpdateShortMessage>((x) => x instanceof Api.UpdateShortMessage && x.message === 'across layers');
    expect(Number(u.userId)).toBe(EXAMPLE);
    await send(carol, inputUser(server, EXAMPLE), 'and back');
    const back = await client.waitFor((x) => x.obj?._ === 'updateShortMessage' && x.obj.message === 'and back');
    expect(back.obj.userId).toBe(CAROL);
  });

  it('answers a layer it does not serve with CONNECTION_LAYER_INVALID', async () => {
    const other = await LayerClient.open(server);
    clients.push(other);
    const e = await other.call(withLayer(150, { _: 'help.getConfig' }));
    expect([e._, e.errorCode, e.errorMessage]).toEqual(['mt_rpc_error', 400, 'CONNECTION_LAYER_INVALID']);
    // The same client may then declare a served layer.
    const config = await other.call(withLayer(MTCUTE_LAYER, { _: 'help.getConfig' }));
    expect(config._).toBe('config');
  });
});
