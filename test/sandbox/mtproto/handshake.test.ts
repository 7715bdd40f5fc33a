// The key exchange state machine, driven directly with client messages built here from GramJS's
// primitives: the older RSA form (SHA-1 + data + padding, telegram/crypto/RSA encrypt), the _dc
// inner data form, and the refusals.

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encrypt as legacyRsaEncrypt } from 'telegram/crypto/RSA.js';
import { returnBigInt } from 'telegram/Helpers.js';
import { AuthKeyStore } from '../../../src/sandbox/mtproto/authkeys.js';
import {
  bigIntToBuf,
  bufToBigInt,
  DH_PRIME,
  deriveAuthKey,
  handshakeAesKeyIv,
  igeDecrypt,
  igeEncrypt,
  loadServerRsaKey,
  newNonceHash,
  powG,
  powModP,
  sha1,
  sha256,
  xorBuffers,
} from '../../../src/sandbox/mtproto/crypto.js';
import { Handshake, HandshakeError } from '../../../src/sandbox/mtproto/handshake.js';
import { CTOR, TlReader, TlWriter } from '../../../src/sandbox/mtproto/tl.js';
import { trustServerKey } from '../../../src/telegram/mtproto/index.js';
import { testRsaKeyPem } from './helpers.js';

const rsa = loadServerRsaKey(testRsaKeyPem());

function setup() {
  const authKeys = new AuthKeyStore();
  let created = 0;
  const hs = new Handshake({ rsa, authKeys, pqPrimeBits: 16, onKeyCreated: () => created++ });
  return { hs, authKeys, created: () => created };
}

function factor(pq: bigint): [bigint, bigint] {
  for (let p = 3n; p * p <= pq; p += 2n) if (pq % p === 0n) return [p, pq / p];
  throw new Error('prime');
}

/** req_pq_multi -> resPQ, parsed. */
function reqPq(hs: Handshake) {
  const nonce = randomBytes(16);
  const r = new TlReader(hs.handle(new TlWriter().uint32(CTOR.reqPqMulti).raw(nonce).result()));
  expect(r.uint32()).toBe(CTOR.resPq);
  expect(r.raw(16).equals(nonce)).toBe(true);
  const serverNonce = Buffer.from(r.raw(16));
  const pqBytes = r.bytes();
  expect(pqBytes).toHaveLength(8);
  expect(pqBytes[0]! & 0x80).toBe(0);
  const fingerprints = r.longVector();
  expect(fingerprints).toEqual([rsa.fingerprint]);
  const [p, q] = factor(bufToBigInt(pqBytes));
  return { nonce, serverNonce, pq: bufToBigInt(pqBytes), p, q };
}

function pqInner(kind: 'plain' | 'dc', st: ReturnType<typeof reqPq>, newNonce: Buffer): Buffer {
  const w = new TlWriter()
    .uint32(kind === 'dc' ? CTOR.pqInnerDataDc : CTOR.pqInnerData)
    .bytes(bigIntToBuf(st.pq))
    .bytes(bigIntToBuf(st.p))
    .bytes(bigIntToBuf(st.q))
    .raw(st.nonce)
    .raw(st.serverNonce)
    .raw(newNonce);
  if (kind === 'dc') w.int32(2);
  return w.result();
}

/** RSA_PAD, as GramJS's Authenticator does it. */
function rsaPad(data: Buffer): Buffer {
  const withPadding = Buffer.concat([data, randomBytes(192 - data.length)]);
  for (;;) {
    const tempKey = randomBytes(32);
    const withHash = Buffer.concat([Buffer.from(withPadding).reverse(), sha256(tempKey, withPadding)]);
    const aes = igeEncrypt(withHash, tempKey, Buffer.alloc(32));
    const m = Buffer.concat([xorBuffers(tempKey, sha256(aes)), aes]);
    if (bufToBigInt(m) >= bufToBigInt(rsa.n)) continue;
    let c = 1n;
    const n = bufToBigInt(rsa.n);
    let b = bufToBigInt(m) % n;
    let e = bufToBigInt(rsa.e);
    while (e > 0n) {
      if (e & 1n) c = (c * b) % n;
      b = (b * b) % n;
      e >>= 1n;
    }
    return bigIntToBuf(c, 256);
  }
}

function reqDh(hs: Handshake, st: ReturnType<typeof reqPq>, encrypted: Buffer, fp = rsa.fingerprint, p = st.p): Buffer {
  return hs.handle(
    new TlWriter().uint32(CTOR.reqDhParams).raw(st.nonce).raw(st.serverNonce).bytes(bigIntToBuf(p)).bytes(bigIntToBuf(st.q)).int64(fp).bytes(encrypted).result(),
  );
}

/** Completes the exchange from server_DH_params_ok; returns the client's auth key and the answer. */
function finish(hs: Handshake, st: ReturnType<typeof reqPq>, newNonce: Buffer, answer: Buffer) {
  const r = new TlReader(answer);
  expect(r.uint32()).toBe(CTOR.serverDhParamsOk);
  r.raw(32);
  const { key, iv } = handshakeAesKeyIv(st.serverNonce, newNonce);
  const plain = igeDecrypt(r.bytes(), key, iv);
  const ir = new TlReader(plain.subarray(20));
  expect(ir.uint32()).toBe(CTOR.serverDhInnerData);
  ir.raw(32);
  expect(ir.int32()).toBe(3);
  expect(ir.bytes().equals(DH_PRIME)).toBe(true);
  const ga = ir.bytes();
  expect(Math.abs(ir.int32() - Date.now() / 1000)).toBeLessThan(5);
  expect(sha1(plain.subarray(20, 20 + ir.offset)).equals(plain.subarray(0, 20))).toBe(true);
  const b = createHash('sha256').update(st.nonce).digest();
  const inner = new TlWriter().uint32(CTOR.clientDhInnerData).raw(st.nonce).raw(st.serverNonce).int64(0n).bytes(powG(b)).result();
  const data = Buffer.concat([sha1(inner), inner]);
  const padded = Buffer.concat([data, randomBytes((16 - (data.length % 16)) % 16)]);
  const gen = hs.handle(new TlWriter().uint32(CTOR.setClientDhParams).raw(st.nonce).raw(st.serverNonce).bytes(igeEncrypt(padded, key, iv)).result());
  const clientKey = deriveAuthKey(powModP(ga, b));
  return { gen, clientKey };
}

describe('key exchange, server side', () => {
  it('accepts the older RSA form (SHA-1 + data + padding) and completes with dh_gen_ok', async () => {
    const { hs, authKeys, created } = setup();
    const st = reqPq(hs);
    const newNonce = randomBytes(32);
    trustServerKey(rsa.publicKeyPem);
    const encrypted = (await legacyRsaEncrypt(returnBigInt(rsa.fingerprint.toString()), pqInner('plain', st, newNonce)))!;
    const { gen, clientKey } = finish(hs, st, newNonce, reqDh(hs, st, encrypted));
    const r = new TlReader(gen);
    expect(r.uint32()).toBe(CTOR.dhGenOk);
    r.raw(32);
    expect(r.raw(16).equals(newNonceHash(newNonce, 1, clientKey.auxHash))).toBe(true);
    expect(authKeys.knows(clientKey.key)).toBe(true);
    expect(created()).toBe(1);
  });

  it('accepts p_q_inner_data_dc under RSA_PAD', () => {
    const { hs, authKeys } = setup();
    const st = reqPq(hs);
    const newNonce = randomBytes(32);
    const { gen, clientKey } = finish(hs, st, newNonce, reqDh(hs, st, rsaPad(pqInner('dc', st, newNonce))));
    expect(gen.readUInt32LE(0)).toBe(CTOR.dhGenOk);
    expect(authKeys.knows(clientKey.key)).toBe(true);
  });

  it('refuses a wrong fingerprint, wrong factors, unknown nonces and out-of-order steps', () => {
    const { hs } = setup();
    const st = reqPq(hs);
    const newNonce = randomBytes(32);
    const enc = rsaPad(pqInner('plain', st, newNonce));
    expect(() => reqDh(hs, st, enc, rsa.fingerprint + 1n)).toThrow(HandshakeError);
    expect(() => reqDh(hs, st, enc, rsa.fingerprint, 1n)).toThrow(HandshakeError);
    expect(() => reqDh(hs, { ...st, nonce: randomBytes(16) }, enc)).toThrow(HandshakeError);
    expect(() =>
      hs.handle(new TlWriter().uint32(CTOR.setClientDhParams).raw(st.nonce).raw(st.serverNonce).bytes(Buffer.alloc(32)).result()),
    ).toThrow(HandshakeError);
    expect(() => reqDh(hs, st, randomBytes(256).fill(0, 0, 1))).toThrow(HandshakeError); // garbage encrypted_data
    expect(() => hs.handle(Buffer.from([1, 2, 3, 4]))).toThrow(HandshakeError);
  });
});
