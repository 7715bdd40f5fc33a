// 2FA passwords by SRP, the server half, exactly as Telegram does it
// (passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow, core.telegram.org/api/srp):
//   x = PH2(password, salt1, salt2), v = g^x mod p            (stored verifier)
//   k = H(p | g), B = (k*v + g^b) mod p                          (account.getPassword)
//   u = H(A | B), S = (A * v^u)^b mod p, K = H(S)                (auth.checkPassword)
//   M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K)      (compared with the client's)
// Numbers are 256-byte big-endian when hashed. GramJS's telegram/Password.js is the client half.

import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { bigIntToBuf, bufToBigInt, DH_G, DH_PRIME, DH_PRIME_BIG, leftPad, powG, powModP, randomBytes, sha256, xorBuffers } from './crypto.js';

const pbkdf2Async = promisify(pbkdf2);

export interface SrpAlgo {
  salt1: Buffer;
  salt2: Buffer;
  g: number;
  p: Buffer;
}

export interface SrpVerifier {
  algo: SrpAlgo;
  /** g^x mod p, 256 bytes. */
  v: Buffer;
}

export interface SrpChallenge {
  srpId: bigint;
  userId: number;
  b: Buffer;
  /** srp_B, 256 bytes. */
  B: Buffer;
  verifier: SrpVerifier;
}

const G_FOR_HASH = leftPad(Buffer.from([DH_G]), 256);

/** PH2: the slow password hash the client and the server both compute. */
export async function passwordHash(password: string, salt1: Buffer, salt2: Buffer): Promise<Buffer> {
  const pw = Buffer.from(password, 'utf8');
  const h1 = sha256(salt1, pw, salt1);
  const h2 = sha256(salt2, h1, salt2);
  const h3 = await pbkdf2Async(h2, salt1, 100000, 64, 'sha512');
  return sha256(salt2, h3, salt2);
}

export async function makeVerifier(password: string, algo: SrpAlgo): Promise<SrpVerifier> {
  const x = await passwordHash(password, algo.salt1, algo.salt2);
  return { algo, v: powG(x) };
}

/** A fresh algo with Telegram's prime and g = 3; salt1 as Telegram gives it (40 bytes), salt2 16. */
export function newSrpAlgo(): SrpAlgo {
  return { salt1: randomBytes(40), salt2: randomBytes(16), g: DH_G, p: DH_PRIME };
}

const K = bufToBigInt(sha256(DH_PRIME, G_FOR_HASH));

/** account.getPassword's srp_id / srp_B for one verifier. */
export function startChallenge(userId: number, verifier: SrpVerifier): SrpChallenge {
  for (;;) {
    const b = randomBytes(256);
    const gb = bufToBigInt(powG(b));
    const B = (K * bufToBigInt(verifier.v) + gb) % DH_PRIME_BIG;
    if (B <= 0n) continue;
    // GramJS checks B - k*v (= g^b) against the 2^{2048-64} margins; keep only such b.
    if (DH_PRIME_BIG - gb < 1n << 1984n || gb < 1n << 1984n) continue;
    return { srpId: randomBytes(8).readBigInt64LE(0), userId, b, B: bigIntToBuf(B, 256), verifier };
  }
}

export type SrpCheck = 'ok' | 'bad-password' | 'bad-A';

/** Verifies the client's A and M1 against a challenge. */
export function checkChallenge(ch: SrpChallenge, aBytes: Buffer, m1: Buffer): SrpCheck {
  const A = bufToBigInt(aBytes);
  if (A <= 1n || A >= DH_PRIME_BIG - 1n) return 'bad-A';
  const aForHash = leftPad(aBytes.length > 256 ? aBytes.subarray(aBytes.length - 256) : aBytes, 256);
  const u = sha256(aForHash, ch.B);
  const vu = bufToBigInt(powModP(ch.verifier.v, u));
  const base = (A * vu) % DH_PRIME_BIG;
  if (base <= 1n) return 'bad-A';
  const S = powModP(bigIntToBuf(base, 256), ch.b);
  const k = sha256(S);
  const { salt1, salt2 } = ch.verifier.algo;
  const expected = sha256(xorBuffers(sha256(DH_PRIME), sha256(G_FOR_HASH)), sha256(salt1), sha256(salt2), aForHash, ch.B, k);
  return m1.length === expected.length && timingSafeEqual(m1, expected) ? 'ok' : 'bad-password';
}

/** Verifiers per world user, computed once (PBKDF2 with 100,000 rounds costs tens of ms). */
export class SrpVerifiers {
  private readonly byUser = new Map<number, { password: string; verifier: Promise<SrpVerifier> }>();

  get(userId: number, password: string): Promise<SrpVerifier> {
    const known = this.byUser.get(userId);
    if (known && known.password === password) return known.verifier;
    const verifier = makeVerifier(password, newSrpAlgo());
    this.byUser.set(userId, { password, verifier });
    return verifier;
  }
}
