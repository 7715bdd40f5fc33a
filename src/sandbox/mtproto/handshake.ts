// The auth key exchange, server side (core.telegram.org/mtproto/auth_key), over plain messages:
// req_pq_multi / req_pq -> resPQ; req_DH_params (RSA_PAD, or the older SHA-1 + data + padding
// form) -> server_DH_params_ok; set_client_DH_params -> dh_gen_ok. Any violation throws a
// HandshakeError and the connection is closed.

import { generatePrimeSync } from 'node:crypto';
import {
  bigIntToBuf,
  bufToBigInt,
  DH_G,
  DH_PRIME,
  DH_PRIME_BIG,
  deriveAuthKey,
  handshakeAesKeyIv,
  igeDecrypt,
  igeEncrypt,
  isSafeDhValue,
  newNonceHash,
  powG,
  powModP,
  randomBytes,
  rsaRawDecrypt,
  sha1,
  sha256,
  stripLeadingZeros,
  xorBuffers,
  type ServerRsaKey,
} from './crypto.js';
import type { AuthKeyRecord, AuthKeyStore } from './authkeys.js';
import { CTOR, TlReader, TlWriter } from './tl.js';

export class HandshakeError extends Error {}

export interface HandshakeDeps {
  rsa: ServerRsaKey;
  authKeys: AuthKeyStore;
  /** Bits of each of the two primes whose product is pq (Telegram: about 31; default 24). */
  pqPrimeBits: number;
  onKeyCreated(rec: AuthKeyRecord): void;
}

interface Exchange {
  nonce: Buffer;
  serverNonce: Buffer;
  p: bigint;
  q: bigint;
  newNonce?: Buffer;
  a?: Buffer;
  tmpKey?: Buffer;
  tmpIv?: Buffer;
}

const MAX_EXCHANGES_PER_CONNECTION = 8;

interface PqInner {
  pq: Buffer;
  p: Buffer;
  q: Buffer;
  nonce: Buffer;
  serverNonce: Buffer;
  newNonce: Buffer;
}

/** Key exchanges in progress on one connection, by client nonce. */
export class Handshake {
  private readonly exchanges = new Map<string, Exchange>();

  constructor(private readonly deps: HandshakeDeps) {}

  /** Answers one plain message body. */
  handle(body: Buffer): Buffer {
    const r = new TlReader(body);
    const ctor = r.uint32();
    switch (ctor) {
      case CTOR.reqPqMulti:
      case CTOR.reqPq:
        return this.reqPq(r.raw(16));
      case CTOR.reqDhParams:
        return this.reqDhParams(r);
      case CTOR.setClientDhParams:
        return this.setClientDhParams(r);
      default:
        throw new HandshakeError(`unexpected plain message 0x${ctor.toString(16)}`);
    }
  }

  private reqPq(nonce: Buffer): Buffer {
    const bits = this.deps.pqPrimeBits;
    let p = generatePrimeSync(bits, { bigint: true });
    let q = generatePrimeSync(bits, { bigint: true });
    while (q === p) q = generatePrimeSync(bits, { bigint: true });
    if (p > q) [p, q] = [q, p];
    const ex: Exchange = { nonce: Buffer.from(nonce), serverNonce: randomBytes(16), p, q };
    this.exchanges.set(ex.nonce.toString('hex'), ex);
    if (this.exchanges.size > MAX_EXCHANGES_PER_CONNECTION) this.exchanges.delete(this.exchanges.keys().next().value!);
    return new TlWriter()
      .uint32(CTOR.resPq)
      .raw(ex.nonce)
      .raw(ex.serverNonce)
      // 8 bytes, as Telegram sends it (GramJS reads pq as a signed number: the top bit must be clear).
      .bytes(bigIntToBuf(p * q, 8))
      .longVector([this.deps.rsa.fingerprint])
      .result();
  }

  private exchangeFor(nonce: Buffer, serverNonce: Buffer): Exchange {
    const ex = this.exchanges.get(nonce.toString('hex'));
    if (!ex || !ex.serverNonce.equals(serverNonce)) throw new HandshakeError('unknown nonce');
    return ex;
  }

  private reqDhParams(r: TlReader): Buffer {
    const ex = this.exchangeFor(r.raw(16), r.raw(16));
    const p = bufToBigInt(r.bytes());
    const q = bufToBigInt(r.bytes());
    const fingerprint = r.int64();
    const encrypted = r.bytes();
    if (p !== ex.p || q !== ex.q) throw new HandshakeError('wrong p, q');
    if (fingerprint !== this.deps.rsa.fingerprint) throw new HandshakeError('unknown RSA fingerprint');
    if (encrypted.length > 256 || bufToBigInt(encrypted) >= bufToBigInt(this.deps.rsa.n)) throw new HandshakeError('bad encrypted_data');
    const inner = this.decryptInner(rsaRawDecrypt(this.deps.rsa, encrypted));
    if (!inner.nonce.equals(ex.nonce) || !inner.serverNonce.equals(ex.serverNonce)) throw new HandshakeError('inner nonce mismatch');
    if (bufToBigInt(inner.pq) !== ex.p * ex.q || bufToBigInt(inner.p) !== ex.p || bufToBigInt(inner.q) !== ex.q) {
      throw new HandshakeError('inner p, q mismatch');
    }
    ex.newNonce = Buffer.from(inner.newNonce);
    let a: Buffer;
    let ga: Buffer;
    do {
      a = randomBytes(256);
      ga = powG(a);
    } while (!isSafeDhValue(bufToBigInt(ga)));
    ex.a = a;
    const { key, iv } = handshakeAesKeyIv(ex.serverNonce, ex.newNonce);
    ex.tmpKey = key;
    ex.tmpIv = iv;
    const answer = new TlWriter()
      .uint32(CTOR.serverDhInnerData)
      .raw(ex.nonce)
      .raw(ex.serverNonce)
      .int32(DH_G)
      .bytes(DH_PRIME)
      .bytes(ga)
      .int32(Math.floor(Date.now() / 1000))
      .result();
    const withHash = Buffer.concat([sha1(answer), answer]);
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)]);
    return new TlWriter()
      .uint32(CTOR.serverDhParamsOk)
      .raw(ex.nonce)
      .raw(ex.serverNonce)
      .bytes(igeEncrypt(padded, key, iv))
      .result();
  }

  /** RSA_PAD first; the older SHA-1 + data + random padding form next. */
  private decryptInner(m: Buffer): PqInner {
    const tempKey = xorBuffers(m.subarray(0, 32), sha256(m.subarray(32)));
    const dataWithHash = igeDecrypt(m.subarray(32), tempKey, Buffer.alloc(32));
    const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
    if (sha256(tempKey, dataWithPadding).equals(dataWithHash.subarray(192, 224))) return readPqInner(dataWithPadding).inner;
    if (m[0] === 0) {
      const payload = m.subarray(1);
      try {
        const { inner, length } = readPqInner(payload.subarray(20));
        if (sha1(payload.subarray(20, 20 + length)).equals(payload.subarray(0, 20))) return inner;
      } catch {
        // fall through
      }
    }
    throw new HandshakeError('cannot decrypt p_q_inner_data');
  }

  private setClientDhParams(r: TlReader): Buffer {
    const ex = this.exchangeFor(r.raw(16), r.raw(16));
    const encrypted = r.bytes();
    if (!ex.newNonce || !ex.a || !ex.tmpKey || !ex.tmpIv) throw new HandshakeError('set_client_DH_params before req_DH_params');
    if (encrypted.length === 0 || encrypted.length % 16) throw new HandshakeError('bad encrypted_data');
    const plain = igeDecrypt(encrypted, ex.tmpKey, ex.tmpIv);
    const ir = new TlReader(plain.subarray(20));
    if (ir.uint32() !== CTOR.clientDhInnerData) throw new HandshakeError('expected client_DH_inner_data');
    const nonce = ir.raw(16);
    const serverNonce = ir.raw(16);
    ir.int64(); // retry_id
    const gbBytes = ir.bytes();
    if (!sha1(plain.subarray(20, 20 + ir.offset)).equals(plain.subarray(0, 20))) throw new HandshakeError('client_DH_inner_data hash mismatch');
    if (!nonce.equals(ex.nonce) || !serverNonce.equals(ex.serverNonce)) throw new HandshakeError('inner nonce mismatch');
    const gb = bufToBigInt(gbBytes);
    if (gb <= 1n || gb >= DH_PRIME_BIG - 1n || !isSafeDhValue(gb)) throw new HandshakeError('unsafe g_b');
    const derived = deriveAuthKey(powModP(bigIntToBuf(gb, 256), ex.a));
    const reply = new TlWriter().raw(ex.nonce).raw(ex.serverNonce);
    this.exchanges.delete(ex.nonce.toString('hex'));
    const rec = this.deps.authKeys.add(derived);
    if (!rec) {
      // The key id is taken (astronomically rare): the client must start over.
      return new TlWriter().uint32(CTOR.dhGenFail).raw(reply.result()).raw(newNonceHash(ex.newNonce, 3, derived.auxHash)).result();
    }
    this.deps.onKeyCreated(rec);
    return new TlWriter().uint32(CTOR.dhGenOk).raw(reply.result()).raw(newNonceHash(ex.newNonce, 1, derived.auxHash)).result();
  }
}

/** p_q_inner_data and its _dc, _temp, _temp_dc forms; returns the inner data and its TL length. */
function readPqInner(data: Buffer): { inner: PqInner; length: number } {
  const r = new TlReader(data);
  const ctor = r.uint32();
  if (ctor !== CTOR.pqInnerData && ctor !== CTOR.pqInnerDataDc && ctor !== CTOR.pqInnerDataTemp && ctor !== CTOR.pqInnerDataTempDc) {
    throw new HandshakeError('expected p_q_inner_data');
  }
  const inner: PqInner = {
    pq: stripLeadingZeros(r.bytes()),
    p: stripLeadingZeros(r.bytes()),
    q: stripLeadingZeros(r.bytes()),
    nonce: r.raw(16),
    serverNonce: r.raw(16),
    newNonce: r.raw(32),
  };
  if (ctor === CTOR.pqInnerDataDc || ctor === CTOR.pqInnerDataTempDc) r.int32(); // dc
  if (ctor === CTOR.pqInnerDataTemp || ctor === CTOR.pqInnerDataTempDc) r.int32(); // expires_in
  return { inner, length: r.offset };
}
