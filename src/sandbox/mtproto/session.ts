// One MTProto session (auth key + session id): server message ids and seq nos, the client
// message ids already seen, recent answers (for duplicates and resend requests), acknowledgements,
// and the outgoing queue, flushed as single messages or msg_containers, encrypted (MTProto 2.0).

import { FROM_SERVER, igeEncrypt, messageAesKeyIv, msgKeyOf, randomBytes, type DerivedAuthKey } from './crypto.js';
import type { SrpChallenge } from './srp.js';
import { CTOR, TlWriter } from './tl.js';

// An auth key the server knows, with what hangs on it (its salt, login, pending sign-in or 2FA
// check, resolve budget, uploads) and its sessions: kept here, beside ClientSession, because
// each refers to the other.

export interface KeyLogin {
  userId: number;
  bot: boolean;
}

export class AuthKeyRecord {
  readonly key: Buffer;
  readonly id: Buffer;
  readonly idHex: string;
  readonly auxHash: Buffer;
  /** The one server salt of this key (GramJS starts at 0 and learns it from bad_server_salt). */
  readonly salt: Buffer = randomBytes(8);
  login?: KeyLogin;
  /** After auth.sendCode. */
  pendingCode?: { phone: string; phoneCodeHash: string; userId: number };
  /** After SESSION_PASSWORD_NEEDED: the user whose 2FA password auth.checkPassword must prove. */
  passwordPendingFor?: number;
  readonly srp = new Map<bigint, SrpChallenge>();
  /** initConnection's api_id and invokeWithLayer's layer, as last seen. */
  apiId?: number;
  layer?: number;
  /** contacts.resolveUsername times (world clock, ms) inside the sliding window. */
  resolveTimes: number[] = [];
  floodUntilMs = 0;
  /** upload.saveFilePart / saveBigFilePart parts by file id (decimal), then by part number. */
  readonly uploads = new Map<string, Map<number, Buffer>>();
  readonly sessions = new Map<string, ClientSession>();

  constructor(derived: DerivedAuthKey) {
    this.key = derived.key;
    this.id = Buffer.from(derived.id);
    this.idHex = this.id.toString('hex');
    this.auxHash = Buffer.from(derived.auxHash);
  }

  /** The user the key is logged in as, or signing in as (2FA pending). */
  get actingUserId(): number | undefined {
    return this.login?.userId ?? this.passwordPendingFor;
  }
}

export interface Outlet {
  readonly closed: boolean;
  sendPayload(payload: Buffer): void;
}

interface Outgoing {
  body: Buffer;
  contentRelated: boolean;
  /** An answer to a client message (msg_id % 4 == 1) rather than a server-initiated one (3). */
  response: boolean;
}

const SEEN_LIMIT = 4096;
const ANSWER_CACHE_LIMIT = 512;
const CONTAINER_MAX_MESSAGES = 100;
const CONTAINER_MAX_BYTES = 512 * 1024;

export class ClientSession {
  /** The connection answers go to: the last one this session's messages came from. */
  outlet?: Outlet;
  /** True until the first message is accepted (new_session_created goes out then). */
  fresh = true;
  private lastMsgId = 0n;
  private contentCount = 0;
  private readonly seen = new Set<bigint>();
  /** The seen ids in arrival order, as a ring: the oldest is forgotten first. */
  private readonly seenRing: bigint[] = new Array<bigint>(SEEN_LIMIT);
  private seenNext = 0;
  private readonly answers = new Map<bigint, Buffer>();
  /** Requests received and not answered yet. */
  readonly pending = new Set<bigint>();
  private ackCandidates: bigint[] = [];
  private queue: Outgoing[] = [];
  private flushScheduled = false;

  constructor(
    readonly key: AuthKeyRecord,
    readonly id: Buffer,
  ) {}

  /** Records a client message id; false when it was seen before (a duplicate). */
  markSeen(msgId: bigint): boolean {
    if (this.seen.has(msgId)) return false;
    const evicted = this.seenRing[this.seenNext];
    if (evicted !== undefined) this.seen.delete(evicted);
    this.seenRing[this.seenNext] = msgId;
    this.seenNext = (this.seenNext + 1) % SEEN_LIMIT;
    this.seen.add(msgId);
    return true;
  }

  hasSeen(msgId: bigint): boolean {
    return this.seen.has(msgId);
  }

  /** A request arrived: it is acknowledged at the next flush unless answered by then. */
  requestReceived(msgId: bigint): void {
    this.pending.add(msgId);
    this.ackCandidates.push(msgId);
    this.scheduleFlush();
  }

  /** Queues the rpc_result for a request (and remembers it for duplicates). */
  answer(reqMsgId: bigint, rpcResultBody: Buffer): void {
    this.pending.delete(reqMsgId);
    this.answers.set(reqMsgId, rpcResultBody);
    if (this.answers.size > ANSWER_CACHE_LIMIT) this.answers.delete(this.answers.keys().next().value!);
    this.enqueue(rpcResultBody, true, true);
  }

  /** Sends the remembered answer to a request again; false when there is none. */
  resendAnswer(reqMsgId: bigint): boolean {
    const body = this.answers.get(reqMsgId);
    if (!body) return false;
    this.enqueue(body, true, true);
    return true;
  }

  enqueue(body: Buffer, contentRelated: boolean, response: boolean): void {
    this.queue.push({ body, contentRelated, response });
    this.scheduleFlush();
  }

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Server message id: unix time << 32 plus a fraction, strictly increasing, % 4 == 1 or 3. */
  nextMsgId(response: boolean): bigint {
    const now = Date.now();
    let id = (BigInt(Math.floor(now / 1000)) << 32n) | (BigInt(Math.floor((now % 1000) * 4294967.296)) & ~3n);
    if (id <= this.lastMsgId) id = (this.lastMsgId & ~3n) + 4n;
    id |= response ? 1n : 3n;
    this.lastMsgId = id;
    return id;
  }

  nextSeqNo(contentRelated: boolean): number {
    if (!contentRelated) return this.contentCount * 2;
    return this.contentCount++ * 2 + 1;
  }

  flush(): void {
    this.flushScheduled = false;
    const outlet = this.outlet;
    if (!outlet || outlet.closed) {
      this.queue = [];
      this.ackCandidates = [];
      return;
    }
    const toAck = this.ackCandidates.filter((id) => this.pending.has(id));
    this.ackCandidates = [];
    if (toAck.length) this.queue.push({ body: new TlWriter().uint32(CTOR.msgsAck).longVector(toAck).result(), contentRelated: false, response: false });
    while (this.queue.length) {
      const batch: Outgoing[] = [];
      let size = 0;
      while (this.queue.length && batch.length < CONTAINER_MAX_MESSAGES) {
        const next = this.queue[0];
        if (batch.length && size + next.body.length + 16 > CONTAINER_MAX_BYTES) break;
        batch.push(this.queue.shift()!);
        size += next.body.length + 16;
      }
      if (batch.length === 1) {
        const m = batch[0];
        outlet.sendPayload(this.encrypt(this.nextMsgId(m.response), this.nextSeqNo(m.contentRelated), m.body));
        continue;
      }
      const w = new TlWriter().uint32(CTOR.msgContainer).int32(batch.length);
      for (const m of batch) {
        w.int64(this.nextMsgId(m.response)).int32(this.nextSeqNo(m.contentRelated)).int32(m.body.length).raw(m.body);
      }
      outlet.sendPayload(this.encrypt(this.nextMsgId(false), this.nextSeqNo(false), w.result()));
    }
  }

  /** One encrypted message: auth_key_id, msg_key, AES-256-IGE(salt, session_id, msg_id, seq_no, length, body, padding). */
  private encrypt(msgId: bigint, seqNo: number, body: Buffer): Buffer {
    const header = Buffer.allocUnsafe(32);
    this.key.salt.copy(header, 0);
    this.id.copy(header, 8);
    header.writeBigInt64LE(BigInt.asIntN(64, msgId), 16);
    header.writeInt32LE(seqNo, 24);
    header.writeInt32LE(body.length, 28);
    const padLength = 12 + ((16 - ((32 + body.length + 12) % 16)) % 16);
    const plaintext = Buffer.concat([header, body, randomBytes(padLength)]);
    const msgKey = msgKeyOf(this.key.key, plaintext, FROM_SERVER);
    const { key, iv } = messageAesKeyIv(this.key.key, msgKey, FROM_SERVER);
    return Buffer.concat([this.key.id, msgKey, igeEncrypt(plaintext, key, iv)]);
  }
}
