// telegram-cli's permanent message ids: lowercase hex, no `$`, of little-endian fields.
//   48 hex (telegram-cli): int32 peer type, int32 peer id, int64 message id, int64 access hash.
//   64 hex (tgsh, for peer ids beyond int32): int32 type, int32 zero, int64 peer id, int64
//   message id, int64 access hash.
// A plain number is a message id of the acting account's own box (private chats, basic groups).

import { PEER_TYPE_CODE, type PeerClass } from './types.js';

export interface PermanentMessageId {
  type: PeerClass;
  peerId: number;
  accessHash: bigint;
  messageId: number;
}

/** A message-id argument: a plain number, or a permanent id naming its chat as well. */
export type MessageIdRef = { kind: 'plain'; messageId: number; raw: string } | ({ kind: 'permanent'; raw: string } & PermanentMessageId);

const INT32_MAX = 0x7fffffff;
const CLASS_BY_CODE = new Map<number, PeerClass>(Object.entries(PEER_TYPE_CODE).map(([cls, code]) => [code, cls as PeerClass]));

export function encodeMessageId(m: PermanentMessageId): string {
  const hash = BigInt.asIntN(64, m.accessHash);
  if (m.peerId >= 0 && m.peerId <= INT32_MAX) {
    const b = Buffer.alloc(24);
    b.writeInt32LE(PEER_TYPE_CODE[m.type], 0);
    b.writeInt32LE(m.peerId, 4);
    b.writeBigInt64LE(BigInt(m.messageId), 8);
    b.writeBigInt64LE(hash, 16);
    return b.toString('hex');
  }
  const b = Buffer.alloc(32);
  b.writeInt32LE(PEER_TYPE_CODE[m.type], 0);
  b.writeInt32LE(0, 4);
  b.writeBigInt64LE(BigInt(m.peerId), 8);
  b.writeBigInt64LE(BigInt(m.messageId), 16);
  b.writeBigInt64LE(hash, 24);
  return b.toString('hex');
}

/** Reads a message-id argument; an error text for anything else. */
export function parseMessageId(token: string): MessageIdRef | { error: string } {
  const t = token.startsWith('$') ? token.slice(1) : token;
  if (/^\d{1,15}$/.test(t)) {
    const n = Number(t);
    if (n <= 0) return { error: 'a message id is a positive number' };
    return { kind: 'plain', messageId: n, raw: token };
  }
  if (!/^([0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/.test(t)) return { error: `'${token.slice(0, 70)}' is not a message id (a number, or 48 or 64 hex digits)` };
  const b = Buffer.from(t, 'hex');
  const type = CLASS_BY_CODE.get(b.readInt32LE(0));
  if (!type) return { error: `unknown peer type ${b.readInt32LE(0)} in message id` };
  let peerId: number;
  let rest: number;
  if (b.length === 24) {
    peerId = b.readInt32LE(4);
    rest = 8;
  } else {
    if (b.readInt32LE(4) !== 0) return { error: 'malformed long message id (bytes 4-7 must be zero)' };
    const big = b.readBigInt64LE(8);
    if (big <= 0n || big > BigInt(Number.MAX_SAFE_INTEGER)) return { error: 'peer id out of range in message id' };
    peerId = Number(big);
    rest = 16;
  }
  const messageId = Number(b.readBigInt64LE(rest));
  if (peerId <= 0 || !Number.isSafeInteger(messageId) || messageId <= 0) return { error: 'bad peer or message id in message id' };
  return { kind: 'permanent', type, peerId, messageId, accessHash: b.readBigInt64LE(rest + 8), raw: token };
}
