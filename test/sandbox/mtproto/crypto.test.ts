// Unit tests of the data centre's cryptography against GramJS's own client-side code.

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import { IGE } from 'telegram/crypto/IGE.js';
import { _serverKeys } from 'telegram/crypto/RSA.js';
import { getByteArray, readBigIntFromBuffer } from 'telegram/Helpers.js';
import { MTProtoState } from 'telegram/network/MTProtoState.js';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { Api } from 'telegram/tl/index.js';
import {
  deriveAuthKey,
  FROM_CLIENT,
  igeDecrypt,
  igeEncrypt,
  messageAesKeyIv,
  msgKeyOf,
  newNonceHash,
  powG,
  powModP,
  rsaFingerprint,
  sha1,
} from '../../../src/sandbox/mtproto/crypto.js';
import { AuthKeyRecord } from '../../../src/sandbox/mtproto/authkeys.js';
import { ClientSession } from '../../../src/sandbox/mtproto/session.js';
import { CTOR, TlReader, TlWriter, tlBytes } from '../../../src/sandbox/mtproto/tl.js';
import { usernameSyntaxOk } from '../../../src/sandbox/mtproto/methods/peers.js';

/** 256 deterministic bytes. */
function seed(label: string, i: number): Buffer {
  return Buffer.concat(Array.from({ length: 8 }, (_, k) => createHash('sha256').update(`${label}:${i}:${k}`).digest()));
}

describe('auth key derivation', () => {
  // a = seed('a', 0), b = seed('b', 138): g^ab mod p starts with a zero byte (found by search).
  const ga = powG(seed('a', 0));
  const gab = powModP(ga, seed('b', 138));
  const newNonce = createHash('sha256').update('new nonce').digest();

  it('has a secret with a leading zero byte (the case GramJS handles its own way)', () => {
    expect(gab).toHaveLength(256);
    expect(gab[0]).toBe(0);
    expect(gab[1]).not.toBe(0);
  });

  it('derives the auth key exactly as GramJS does: leading zeros dropped, same key id and aux hash', async () => {
    const derived = deriveAuthKey(gab);
    expect(derived.key).toHaveLength(255);
    expect(derived.key.equals(gab.subarray(1))).toBe(true);

    // GramJS (network/Authenticator): authKey.setKey(getByteArray(g^ab as a big integer)).
    const gramjs = new AuthKey();
    await gramjs.setKey(getByteArray(readBigIntFromBuffer(gab, false, false)));
    expect(Buffer.from(gramjs.getKey()!).equals(derived.key)).toBe(true);
    expect(gramjs.keyId!.toString()).toBe(derived.id.readBigUInt64LE(0).toString()); // GramJS reads them unsigned
    expect((gramjs as any).auxHash.toString()).toBe(derived.auxHash.readBigUInt64LE(0).toString());

    // The check that fails with "Step 3 invalid new nonce hash" when the server pads the secret.
    const clientNonce = readBigIntFromBuffer(newNonce, true, true);
    const expected = await gramjs.calcNewNonceHash(clientNonce, 1);
    const ours = readBigIntFromBuffer(newNonceHash(newNonce, 1, derived.auxHash), true, true);
    expect(ours.toString()).toBe(expected.toString());

    const padded = sha1(gab).subarray(0, 8); // aux hash of the 256-byte form
    const wrong = readBigIntFromBuffer(newNonceHash(newNonce, 1, padded), true, true);
    expect(wrong.toString()).not.toBe(expected.toString());
  });

  it('keeps 256-byte secrets as they are', () => {
    const full = Buffer.concat([Buffer.from([0x12]), randomBytes(255)]);
    expect(deriveAuthKey(full).key.equals(full)).toBe(true);
  });
});

describe('AES-256-IGE and MTProto 2.0 messages', () => {
  it('matches GramJS IGE both ways', () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const data = randomBytes(16 * 37);
    const theirs = new IGE(key, iv).encryptIge(data);
    expect(igeEncrypt(data, key, iv).equals(theirs)).toBe(true);
    expect(igeDecrypt(theirs, key, iv).equals(data)).toBe(true);
  });

  it("decrypts GramJS's encrypted messages and GramJS decrypts the server's", async () => {
    const derived = deriveAuthKey(powModP(powG(seed('x', 1)), seed('y', 2)));
    const gramKey = new AuthKey();
    await gramKey.setKey(derived.key);
    const log = new Logger(LogLevel.NONE);
    const state = new MTProtoState(gramKey, log);
    state.salt = readBigIntFromBuffer(randomBytes(8), true, true);

    // client -> server
    const body = new Api.contacts.ResolveUsername({ username: 'example_user' }).getBytes();
    const { BinaryWriter } = await import('telegram/extensions/BinaryWriter.js');
    const w = new BinaryWriter(Buffer.alloc(0));
    await state.writeDataAsMessage(w, body, true);
    const packet = await state.encryptMessageData(w.getValue());
    expect(packet.subarray(0, 8).equals(derived.id)).toBe(true);
    const msgKey = packet.subarray(8, 24);
    const { key, iv } = messageAesKeyIv(derived.key, msgKey, FROM_CLIENT);
    const plain = igeDecrypt(packet.subarray(24), key, iv);
    expect(msgKeyOf(derived.key, plain, FROM_CLIENT).equals(msgKey)).toBe(true);
    expect(plain.subarray(32, 32 + body.length).equals(body)).toBe(true);

    // server -> client (a pong, then a container of two)
    const rec = new AuthKeyRecord(derived);
    const sent: Buffer[] = [];
    const session = new ClientSession(rec, randomBytes(8));
    session.outlet = { closed: false, sendPayload: (b) => sent.push(b) };
    session.enqueue(new TlWriter().uint32(CTOR.pong).int64(8n).int64(42n).result(), true, true);
    session.flush();
    session.enqueue(new TlWriter().uint32(CTOR.pong).int64(12n).int64(43n).result(), true, true);
    session.enqueue(new TlWriter().uint32(CTOR.msgsAck).longVector([16n]).result(), false, false);
    session.flush();
    expect(sent).toHaveLength(2);
    const m1 = await state.decryptMessageData(sent[0]!);
    const pong = await m1.obj;
    expect(pong).toBeInstanceOf(Api.Pong);
    expect(pong.pingId.toString()).toBe('42');
    expect(m1.msgId.remainder(4).toString()).toBe('1');
    expect((m1 as any).seqNo).toBe(1);
    const m2 = await state.decryptMessageData(sent[1]!);
    const container = await m2.obj;
    expect(container.messages).toHaveLength(2);
    expect(container.messages[0].obj).toBeInstanceOf(Api.Pong);
    expect(container.messages[1].obj).toBeInstanceOf(Api.MsgsAck);
    expect(container.messages[0].seqNo).toBe(3);
    expect(container.messages[1].seqNo).toBe(4);
    // Container ids come after the ids of the messages inside.
    expect(BigInt(m2.msgId.toString()) > BigInt(container.messages[1].msgId.toString())).toBe(true);
  });
});

describe('RSA fingerprints', () => {
  it("reproduces GramJS's fingerprints of Telegram's own keys", () => {
    expect(_serverKeys.size).toBeGreaterThan(0);
    for (const [fp, key] of _serverKeys) {
      const n = Buffer.from(key.n.toString(16).padStart(512, '0'), 'hex');
      const e = Buffer.from(key.e.toString(16).padStart(6, '0'), 'hex');
      expect(rsaFingerprint(n, e).toString()).toBe(fp);
    }
  });
});

describe('TL helpers and username syntax', () => {
  it('serialises and reads TL bytes of every length class', () => {
    for (const len of [0, 1, 3, 253, 254, 255, 1000, 70000]) {
      const data = randomBytes(len);
      const enc = tlBytes(data);
      expect(enc.length % 4).toBe(0);
      const r = new TlReader(Buffer.concat([enc, Buffer.from([1, 2, 3, 4])]));
      expect(r.bytes().equals(data)).toBe(true);
      expect(r.uint32()).toBe(0x04030201);
    }
    expect(() => new TlReader(Buffer.from([10, 1, 2])).bytes()).toThrow();
  });

  it("follows Telegram's username rule", () => {
    const none = () => false;
    for (const ok of ['example_user', 'abcde', 'A1234', 'a'.repeat(32), 'a_b_c']) expect(usernameSyntaxOk(ok, none), ok).toBe(true);
    for (const bad of ['abcd', '1abcd', '_abcd', 'abcd_', 'ab-cd', 'a'.repeat(33), '', 'ab cd']) expect(usernameSyntaxOk(bad, none), bad).toBe(false);
    expect(usernameSyntaxOk('evee', (n) => n === 'evee')).toBe(true);
    expect(usernameSyntaxOk('eve_', () => true)).toBe(false);
  });
});
