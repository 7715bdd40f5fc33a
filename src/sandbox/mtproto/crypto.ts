// MTProto cryptography for the server side: hashes, AES-256-IGE, MTProto 2.0 message keys,
// modular exponentiation modulo Telegram's 2048-bit prime, RSA key material and fingerprints.
// Everything runs on node:crypto (OpenSSL); nothing here depends on GramJS.

import {
  constants,
  createCipheriv,
  createDecipheriv,
  createDiffieHellman,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  randomBytes,
  type DiffieHellman,
  type KeyObject,
} from 'node:crypto';
import { tlBytes } from './tl.js';

export { randomBytes };

/** Telegram's 2048-bit safe prime (key exchange and 2FA SRP), with g = 3. */
export const DH_PRIME = Buffer.from(
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db' +
    'fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64' +
    '2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41' +
    '0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4' +
    'e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf' +
    '6f4fadf034b10403119cd8e3b92fcc5b',
  'hex',
);
export const DH_G = 3;
export const DH_PRIME_BIG = bufToBigInt(DH_PRIME);

export function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function bufToBigInt(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + b.toString('hex'));
}

/** Big-endian bytes of n, left-padded to `length` bytes (or minimal when no length is given). */
export function bigIntToBuf(n: bigint, length?: number): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const raw = n === 0n ? Buffer.alloc(0) : Buffer.from(hex, 'hex');
  if (length === undefined) return raw;
  if (raw.length > length) throw new RangeError('number does not fit');
  return Buffer.concat([Buffer.alloc(length - raw.length), raw]);
}

export function leftPad(b: Buffer, length: number): Buffer {
  return b.length >= length ? b : Buffer.concat([Buffer.alloc(length - b.length), b]);
}

/** Removes leading zero bytes (big-endian numbers as GramJS serialises them). */
export function stripLeadingZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export function xorBuffers(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

// ---- AES-256-IGE (iv = 32 bytes: the "previous cipher block" then the "previous plain block") ----

/**
 * IGE encryption in one AES-CBC call: with y_i = E(p_i xor c_{i-1}) and c_i = y_i xor p_{i-1}, the
 * input of E is (p_i xor p_{i-2}) xor y_{i-1}, which is CBC over q_i = p_i xor p_{i-2} (q_1 = p_1,
 * p_0 = the iv's second half) chained on y with the iv's first half (c_0).
 */
export function igeEncrypt(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (plain.length % 16) throw new RangeError('IGE input must be a multiple of 16 bytes');
  const n = plain.length;
  const q = Buffer.allocUnsafe(n);
  const p0 = iv.subarray(16, 32);
  for (let i = 0; i < n; i++) {
    q[i] = i < 16 ? plain[i] : i < 32 ? plain[i] ^ p0[i - 16] : plain[i] ^ plain[i - 32];
  }
  const cbc = createCipheriv('aes-256-cbc', key, iv.subarray(0, 16)).setAutoPadding(false);
  const y = Buffer.concat([cbc.update(q), cbc.final()]);
  for (let i = 0; i < n; i++) y[i] = y[i] ^ (i < 16 ? p0[i] : plain[i - 16]);
  return y;
}

export function igeDecrypt(cipher: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (cipher.length % 16) throw new RangeError('IGE input must be a multiple of 16 bytes');
  const ecb = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = Buffer.allocUnsafe(cipher.length);
  const block = Buffer.allocUnsafe(16);
  let prevCipher: Buffer = iv.subarray(0, 16);
  let prevPlain: Buffer = iv.subarray(16, 32);
  for (let i = 0; i < cipher.length; i += 16) {
    for (let j = 0; j < 16; j++) block[j] = cipher[i + j] ^ prevPlain[j];
    const d = ecb.update(block);
    for (let j = 0; j < 16; j++) out[i + j] = d[j] ^ prevCipher[j];
    prevCipher = cipher.subarray(i, i + 16);
    prevPlain = out.subarray(i, i + 16);
  }
  return out;
}

// ---- MTProto 2.0 message keys (x = 0 from client to server, x = 8 from server to client) ----

export type Direction = 0 | 8;
export const FROM_CLIENT: Direction = 0;
export const FROM_SERVER: Direction = 8;

export function msgKeyOf(authKey: Buffer, plaintext: Buffer, x: Direction): Buffer {
  return sha256(authKey.subarray(88 + x, 120 + x), plaintext).subarray(8, 24);
}

export function messageAesKeyIv(authKey: Buffer, msgKey: Buffer, x: Direction): { key: Buffer; iv: Buffer } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

// ---- Auth keys ----

export interface DerivedAuthKey {
  key: Buffer;
  /** 8 bytes: the low 64 bits of SHA-1(key), as the auth_key_id field carries them. */
  id: Buffer;
  /** 8 bytes: the high 64 bits of SHA-1(key). */
  auxHash: Buffer;
}

/**
 * The auth key from g^ab. MTProto says g^ab as 256 bytes; GramJS keeps it as the minimal big-endian
 * byte string (leading zero bytes dropped, about 1 key in 200) and derives everything from that.
 * The server does exactly the same, or those exchanges fail with "Step 3 invalid new nonce hash".
 */
export function deriveAuthKey(gab: Buffer): DerivedAuthKey {
  const key = Buffer.from(stripLeadingZeros(gab));
  const h = sha1(key);
  return { key, auxHash: h.subarray(0, 8), id: h.subarray(12, 20) };
}

/** new_nonce_hash1/2/3: the low 128 bits of SHA-1(new_nonce + [n] + aux_hash), as wire bytes. */
export function newNonceHash(newNonce: Buffer, n: 1 | 2 | 3, auxHash: Buffer): Buffer {
  return sha1(newNonce, Buffer.from([n]), auxHash).subarray(4, 20);
}

/** tmp_aes_key / tmp_aes_iv of the key exchange, from the raw wire bytes of the nonces. */
export function handshakeAesKeyIv(serverNonce: Buffer, newNonce: Buffer): { key: Buffer; iv: Buffer } {
  const h1 = sha1(newNonce, serverNonce);
  const h2 = sha1(serverNonce, newNonce);
  const h3 = sha1(newNonce, newNonce);
  return {
    key: Buffer.concat([h1, h2.subarray(0, 12)]),
    iv: Buffer.concat([h2.subarray(12, 20), h3, newNonce.subarray(0, 4)]),
  };
}

// ---- Modular exponentiation modulo DH_PRIME, through OpenSSL ----

let dhGroup: DiffieHellman | undefined;

/** One DiffieHellman object over Telegram's prime; creating it checks the prime once (~0.4 s). */
function group(): DiffieHellman {
  dhGroup ??= createDiffieHellman(DH_PRIME, Buffer.from([DH_G]));
  return dhGroup;
}

/** g^exp mod p, 256 bytes big-endian. */
export function powG(exp: Buffer): Buffer {
  const g = group();
  g.setPrivateKey(exp);
  return leftPad(g.generateKeys(), 256);
}

/** base^exp mod p, 256 bytes big-endian. base must be in (1, p-1). */
export function powModP(base: Buffer, exp: Buffer): Buffer {
  const g = group();
  g.setPrivateKey(exp);
  return leftPad(g.computeSecret(base), 256);
}

/** The range check MTProto asks for g_a, g_b (and SRP's A, B): 2^{2048-64} < x < p - 2^{2048-64}. */
export function isSafeDhValue(x: bigint): boolean {
  const margin = 1n << 1984n;
  return x > margin && x < DH_PRIME_BIG - margin;
}

// ---- RSA ----

export interface ServerRsaKey {
  privateKey: KeyObject;
  /** PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`). */
  publicKeyPem: string;
  n: Buffer;
  e: Buffer;
  /** Low 64 bits of SHA-1 over the TL-serialised (n, e), signed, as Telegram and GramJS use it. */
  fingerprint: bigint;
}

export function rsaFingerprint(n: Buffer, e: Buffer): bigint {
  return sha1(tlBytes(stripLeadingZeros(n)), tlBytes(stripLeadingZeros(e))).readBigInt64LE(12);
}

export function loadServerRsaKey(privateKeyPem?: string): ServerRsaKey {
  const privateKey = privateKeyPem
    ? createPrivateKey(privateKeyPem)
    : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 }).privateKey;
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('the MTProto server key must be an RSA key');
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const n = stripLeadingZeros(Buffer.from(jwk.n!, 'base64url'));
  const e = stripLeadingZeros(Buffer.from(jwk.e!, 'base64url'));
  if (n.length !== 256) throw new Error('the MTProto server key must be RSA-2048');
  return {
    privateKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    n,
    e,
    fingerprint: rsaFingerprint(n, e),
  };
}

/** Raw RSA (c^d mod n), 256 bytes, as RSA_PAD and the older scheme both need. */
export function rsaRawDecrypt(key: ServerRsaKey, data: Buffer): Buffer {
  const c = data.length < 256 ? Buffer.concat([Buffer.alloc(256 - data.length), data]) : data;
  return privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, c);
}
