// The data centre writes a message's peers itself (GramJS's long writer is slow); the bytes must
// be exactly GramJS's, ids above 2^32 included.

import { describe, expect, it } from 'vitest';
import { Api } from 'telegram/tl/index.js';
import { BinaryReader } from 'telegram/extensions/BinaryReader.js';
import { tlMessage, tlPeer } from '../../../src/sandbox/mtproto/messages-tl.js';

const IDS = [1, 200000001, 2 ** 32 + 7, 2 ** 52 - 1];

describe('the data centre\'s peer bytes', () => {
  it('are what GramJS writes for PeerUser and PeerChat', () => {
    for (const id of IDS) {
      expect(tlPeer({ type: 'user', id }).getBytes()).toEqual(new Api.PeerUser({ userId: BigInt(id) as never }).getBytes());
      expect(tlPeer({ type: 'chat', id }).getBytes()).toEqual(new Api.PeerChat({ chatId: BigInt(id) as never }).getBytes());
    }
  });

  it('make a Message GramJS reads back with its peers', () => {
    const m = tlMessage({ id: 5, owner: 1, peer: { type: 'user', id: 2 ** 32 + 7 }, from: 1, out: true, date: 1_700_000_000, text: 'hi', entities: [], silent: false, origin: 0 }, 2);
    const back = new BinaryReader(m.getBytes()).tgReadObject() as Api.Message;
    expect(back.className).toBe('Message');
    expect((back.peerId as Api.PeerUser).userId.toString()).toBe(String(2 ** 32 + 7));
    expect((back.fromId as Api.PeerUser).userId.toString()).toBe('1');
    expect(back.message).toBe('hi');
  });
});
