// A second MTProto client at another layer than GramJS's (@mtcute/tl's 223, decoded by mtcute's
// own readers) logs in on the same sandbox as tgsh and resolves a user; what it sends, tgsh reads.
import { describe, expect, it } from 'vitest';
import { GRAMJS_LAYER, MTCUTE_LAYER } from '../../src/sandbox/mtproto/layers/index.js';
import { LayerClient, type TlObj } from '../sandbox/mtproto/layer-client.js';
import { ALICE, DORA, EXAMPLE, sandboxForFile, userSession } from './helpers.js';

const f = sandboxForFile();

function withLayer(layer: number, query: TlObj): TlObj {
  return {
    _: 'invokeWithLayer',
    layer,
    query: { _: 'initConnection', apiId: f.sandbox().connection.api_id, deviceModel: 'test', systemVersion: 'test', appVersion: '1', systemLangCode: 'en', langPack: '', langCode: 'en', query },
  };
}

describe('a client at another layer', () => {
  it('logs in, resolves a user (id above 2^32) in its own layer, and tgsh reads what it sent', async () => {
    expect(MTCUTE_LAYER).not.toBe(GRAMJS_LAYER);
    const s = f.keep(await userSession(f.sandbox(), { noBot: true }));
    const other = await LayerClient.open(f.sandbox().mtproto);
    try {
      const c = f.sandbox().connection;
      expect((await other.call(withLayer(MTCUTE_LAYER, { _: 'help.getConfig' })))._).toBe('config');
      const sent = await other.call({ _: 'auth.sendCode', phoneNumber: '15550001111', apiId: c.api_id, apiHash: c.api_hash, settings: { _: 'codeSettings' } });
      const auth = await other.call({ _: 'auth.signIn', phoneNumber: '15550001111', phoneCodeHash: sent.phoneCodeHash, phoneCode: '12345' });
      expect([auth._, auth.user._, auth.user.id]).toEqual(['auth.authorization', 'user', EXAMPLE]);
      const r = await other.call({ _: 'contacts.resolveUsername', username: 'dora_bigid' });
      expect(r.peer).toEqual({ _: 'peerUser', userId: DORA });
      expect([r.users[0]._, r.users[0].id, r.users[0].username]).toEqual(['user', DORA, 'dora_bigid']);
      // The same account from the layer-223 session writes to Alice; tgsh (GramJS's layer) reads it.
      const alice = await other.call({ _: 'contacts.resolveUsername', username: 'alice_started' });
      const peer = { _: 'inputPeerUser', userId: ALICE, accessHash: alice.users[0].accessHash };
      expect((await other.call({ _: 'messages.sendMessage', peer, message: 'written at layer 223', randomId: 99001n }))._).toBe('updateShortSentMessage');
      expect(await s.text('history @alice_started 1')).toMatch(/^ \[\d\d:\d\d\]  Alice Started <<< written at layer 223\n$/);
      // tgsh resolves the same user over its own layer.
      expect(await s.text('resolve_username dora_bigid')).toBe('Dora Bigid\n');
    } finally {
      await other.close();
    }
  });
});
