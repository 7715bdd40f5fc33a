// Encrypted messages from clients: decryption and msg_key check (MTProto 2.0), msg_id checks
// (bad_msg_notification 16/17/18), the server salt (bad_server_salt), duplicates,
// new_session_created, containers, gzip_packed, and the service messages (ping, acks, future
// salts, state requests ...). Requests go on to the RPC dispatcher.

import { gunzipSync } from 'node:zlib';
import type { AuthKeyRecord, AuthKeyStore } from './authkeys.js';
import { FROM_CLIENT, igeDecrypt, messageAesKeyIv, msgKeyOf, randomBytes } from './crypto.js';
import { dispatchRpc, type RpcDeps } from './rpc.js';
import { ClientSession, type Outlet } from './session.js';
import { CTOR, TlReader, TlWriter } from './tl.js';

/** A message that breaks the protocol: the connection is closed. */
export class ProtocolError extends Error {}

export interface IncomingDeps extends RpcDeps {
  authKeys: AuthKeyStore;
}

export interface ConnectionControl extends Outlet {
  sendTransportError(code: number): void;
  /** ping_delay_disconnect: close the connection unless another ping comes within seconds. */
  armPingDisconnect(seconds: number): void;
}

const MAX_SESSIONS_PER_KEY = 64;
const PAST_LIMIT_S = 300;
const FUTURE_LIMIT_S = 30;

export function receiveEncrypted(deps: IncomingDeps, conn: ConnectionControl, frame: Buffer): void {
  const rec = deps.authKeys.get(frame.toString('hex', 0, 8));
  if (!rec) {
    // Telegram's answer to an auth key it does not know: the 4-byte transport error -404.
    conn.sendTransportError(-404);
    return;
  }
  if (frame.length < 24 + 48 || (frame.length - 24) % 16) throw new ProtocolError('bad encrypted message length');
  const msgKey = frame.subarray(8, 24);
  const { key, iv } = messageAesKeyIv(rec.key, msgKey, FROM_CLIENT);
  const plain = igeDecrypt(frame.subarray(24), key, iv);
  if (!msgKeyOf(rec.key, plain, FROM_CLIENT).equals(msgKey)) throw new ProtocolError('msg_key mismatch');
  const salt = plain.subarray(0, 8);
  const sessionId = plain.subarray(8, 16);
  const msgId = plain.readBigInt64LE(16);
  const seqNo = plain.readInt32LE(24);
  const length = plain.readInt32LE(28);
  const padding = plain.length - 32 - length;
  if (length < 4 || length % 4 || padding < 12 || padding > 1024) throw new ProtocolError('bad message length');
  const body = plain.subarray(32, 32 + length);

  const session = sessionFor(rec, sessionId);
  session.outlet = conn;

  if (msgId % 4n !== 0n) {
    session.enqueue(badMsgNotification(msgId, seqNo, 18), false, true);
    return;
  }
  const msgTime = Number(msgId >> 32n);
  const now = Date.now() / 1000;
  if (msgTime < now - PAST_LIMIT_S || msgTime > now + FUTURE_LIMIT_S) {
    session.enqueue(badMsgNotification(msgId, seqNo, msgTime < now ? 16 : 17), false, true);
    return;
  }
  if (!salt.equals(rec.salt)) {
    session.enqueue(
      new TlWriter().uint32(CTOR.badServerSalt).int64(msgId).int32(seqNo).int32(48).raw(rec.salt).result(),
      false,
      true,
    );
    return;
  }
  if (!session.markSeen(msgId)) {
    session.resendAnswer(msgId);
    return;
  }
  if (session.fresh) {
    session.fresh = false;
    session.enqueue(
      new TlWriter().uint32(CTOR.newSessionCreated).int64(msgId).raw(randomBytes(8)).raw(rec.salt).result(),
      true,
      false,
    );
  }
  processMessage(deps, conn, session, msgId, seqNo, body, 0);
}

function sessionFor(rec: AuthKeyRecord, sessionId: Buffer): ClientSession {
  const hex = sessionId.toString('hex');
  let s = rec.sessions.get(hex);
  if (!s) {
    s = new ClientSession(rec, Buffer.from(sessionId));
    rec.sessions.set(hex, s);
    if (rec.sessions.size > MAX_SESSIONS_PER_KEY) rec.sessions.delete(rec.sessions.keys().next().value!);
  }
  return s;
}

function badMsgNotification(msgId: bigint, seqNo: number, code: number): Buffer {
  return new TlWriter().uint32(CTOR.badMsgNotification).int64(msgId).int32(seqNo).int32(code).result();
}

function processMessage(
  deps: IncomingDeps,
  conn: ConnectionControl,
  session: ClientSession,
  msgId: bigint,
  seqNo: number,
  body: Buffer,
  depth: number,
): void {
  if (body.length < 4) throw new ProtocolError('empty message');
  const r = new TlReader(body);
  const ctor = r.uint32();
  switch (ctor) {
    case CTOR.msgContainer: {
      if (depth > 0) throw new ProtocolError('nested container');
      const count = r.int32();
      if (count < 0 || count > 1024) throw new ProtocolError('bad container size');
      const inner: { id: bigint; seq: number; body: Buffer }[] = [];
      for (let i = 0; i < count; i++) {
        const id = r.int64();
        const seq = r.int32();
        const len = r.int32();
        if (len < 4 || len % 4) throw new ProtocolError('bad container message length');
        inner.push({ id, seq, body: r.raw(len) });
      }
      for (const m of inner) {
        if (!session.markSeen(m.id)) {
          session.resendAnswer(m.id);
          continue;
        }
        processMessage(deps, conn, session, m.id, m.seq, m.body, depth + 1);
      }
      return;
    }
    case CTOR.gzipPacked: {
      if (depth > 1) throw new ProtocolError('nested gzip_packed');
      let unpacked: Buffer;
      try {
        unpacked = gunzipSync(r.bytes(), { maxOutputLength: 16 * 1024 * 1024 });
      } catch {
        throw new ProtocolError('bad gzip_packed');
      }
      processMessage(deps, conn, session, msgId, seqNo, unpacked, depth + 1);
      return;
    }
    case CTOR.msgsAck:
    case CTOR.httpWait:
    case CTOR.msgsAllInfo:
    case CTOR.msgDetailedInfo:
    case CTOR.msgNewDetailedInfo:
      return;
    case CTOR.ping:
      session.enqueue(new TlWriter().uint32(CTOR.pong).int64(msgId).int64(r.int64()).result(), true, true);
      return;
    case CTOR.pingDelayDisconnect: {
      const pingId = r.int64();
      const delay = r.int32();
      session.enqueue(new TlWriter().uint32(CTOR.pong).int64(msgId).int64(pingId).result(), true, true);
      conn.armPingDisconnect(delay);
      return;
    }
    case CTOR.getFutureSalts: {
      const num = Math.max(1, Math.min(64, r.int32()));
      const now = Math.floor(Date.now() / 1000);
      const w = new TlWriter().uint32(CTOR.futureSalts).int64(msgId).int32(now).int32(num);
      // The salt of a key never changes here: every future salt is the same one, valid for a day each.
      for (let i = 0; i < num; i++) w.int32(now + i * 86400).int32(now + (i + 1) * 86400).raw(session.key.salt);
      session.enqueue(w.result(), true, true);
      return;
    }
    case CTOR.destroySession: {
      const target = r.raw(8);
      const existed = session.key.sessions.delete(target.toString('hex'));
      const answer = new TlWriter()
        .uint32(existed ? CTOR.destroySessionOk : CTOR.destroySessionNone)
        .raw(target)
        .result();
      session.answer(msgId, new TlWriter().uint32(CTOR.rpcResult).int64(msgId).raw(answer).result());
      return;
    }
    case CTOR.rpcDropAnswer: {
      r.int64();
      session.answer(msgId, new TlWriter().uint32(CTOR.rpcResult).int64(msgId).uint32(CTOR.rpcAnswerUnknown).result());
      return;
    }
    case CTOR.msgsStateReq: {
      const ids = r.longVector();
      // 4: received; 1: nothing known about it.
      const info = Buffer.from(ids.map((id) => (session.hasSeen(id) ? 4 : 1)));
      session.enqueue(new TlWriter().uint32(CTOR.msgsStateInfo).int64(msgId).bytes(info).result(), true, true);
      return;
    }
    case CTOR.msgResendReq:
    case CTOR.msgResendAnsReq:
      for (const id of r.longVector()) session.resendAnswer(id);
      return;
    default:
      dispatchRpc(deps, session, msgId, body);
  }
}
