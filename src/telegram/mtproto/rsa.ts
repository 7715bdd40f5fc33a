// Trusting a server's RSA key: GramJS looks keys up by fingerprint in telegram/crypto/RSA's
// exported `_serverKeys` map (fingerprint as a signed decimal string -> { n, e }).

import { createHash, createPublicKey } from 'node:crypto';
import { _serverKeys } from 'telegram/crypto/RSA.js';
import { returnBigInt } from 'telegram/Helpers.js';

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  const pad = (4 - ((head.length + data.length) % 4)) % 4;
  return Buffer.concat([head, data, Buffer.alloc(pad)]);
}

export interface RsaPublicKeyInfo {
  /** Signed 64-bit fingerprint: low 64 bits of SHA-1 over the TL-serialised (n, e). */
  fingerprint: bigint;
  n: Buffer;
  e: Buffer;
}

/** Reads an RSA public key PEM (PKCS#1 `RSA PUBLIC KEY` or SPKI `PUBLIC KEY`). */
export function rsaPublicKeyInfo(pem: string): RsaPublicKeyInfo {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA public key');
  const jwk = key.export({ format: 'jwk' });
  const n = stripZeros(Buffer.from(jwk.n!, 'base64url'));
  const e = stripZeros(Buffer.from(jwk.e!, 'base64url'));
  const fingerprint = createHash('sha1').update(tlBytes(n)).update(tlBytes(e)).digest().readBigInt64LE(12);
  return { fingerprint, n, e };
}

/** Makes GramJS trust this key (for servers offering its fingerprint). Returns the fingerprint. */
export function trustServerKey(pem: string): bigint {
  const { fingerprint, n, e } = rsaPublicKeyInfo(pem);
  const entry = { n: returnBigInt(BigInt('0x' + n.toString('hex')).toString()), e: Number(BigInt('0x' + e.toString('hex'))) };
  _serverKeys.set(fingerprint.toString(), entry);
  return fingerprint;
}
