// telegram-cli's permanent peer ids: `$` + lowercase hex of little-endian fields.
//   32 hex (telegram-cli): int32 type, int32 id, int64 access hash.
//   48 hex (tgsh, for ids beyond int32): int32 type, int32 zero, int64 id, int64 access hash.
// The 32-hex form is printed whenever the id fits a signed int32, so telegram-cli scripts keep working.

import { PEER_TYPE_CODE, type PeerClass } from './types.js';

export interface PermanentId {
  type: PeerClass;
  id: number;
  /** Signed 64-bit access hash (0n where the peer has none). */
  accessHash: bigint;
}

const INT32_MAX = 0x7fffffff;
const CLASS_BY_CODE = new Map<number, PeerClass>(
  Object.entries(PEER_TYPE_CODE).map(([cls, code]) => [code, cls as PeerClass]),
);

/** Encodes a peer as a permanent id; the short form when the id fits int32. */
export function encodePermanentId(p: PermanentId): string {
  const hash = BigInt.asIntN(64, p.accessHash);
  if (p.id >= 0 && p.id <= INT32_MAX) {
    const b = Buffer.alloc(16);
    b.writeInt32LE(PEER_TYPE_CODE[p.type], 0);
    b.writeInt32LE(p.id, 4);
    b.writeBigInt64LE(hash, 8);
    return '$' + b.toString('hex');
  }
  const b = Buffer.alloc(24);
  b.writeInt32LE(PEER_TYPE_CODE[p.type], 0);
  b.writeInt32LE(0, 4);
  b.writeBigInt64LE(BigInt(p.id), 8);
  b.writeBigInt64LE(hash, 16);
  return '$' + b.toString('hex');
}

const PERMANENT_RE = /^\$([0-9a-fA-F]{32}|[0-9a-fA-F]{48})$/;

/** True when the token has the shape of a permanent id (it may still fail to decode). */
export function looksLikePermanentId(token: string): boolean {
  return PERMANENT_RE.test(token);
}

/**
 * Decodes `$` + 32 or 48 hex. Returns an error text for a well-shaped id that holds an unknown
 * type or an impossible id, and null when the token is not a permanent id at all.
 */
export function decodePermanentId(token: string): PermanentId | { error: string } | null {
  const m = PERMANENT_RE.exec(token);
  if (!m) return null;
  const b = Buffer.from(m[1], 'hex');
  const type = CLASS_BY_CODE.get(b.readInt32LE(0));
  if (!type) return { error: `unknown peer type ${b.readInt32LE(0)} in permanent id` };
  let id: number;
  let accessHash: bigint;
  if (b.length === 16) {
    id = b.readInt32LE(4);
    accessHash = b.readBigInt64LE(8);
  } else {
    if (b.readInt32LE(4) !== 0) return { error: 'malformed long permanent id (bytes 4-7 must be zero)' };
    const big = b.readBigInt64LE(8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < 0n) return { error: 'peer id out of range in permanent id' };
    id = Number(big);
    accessHash = b.readBigInt64LE(16);
  }
  if (id <= 0) return { error: 'peer id must be positive in permanent id' };
  return { type, id, accessHash };
}
