// User accounts as Telegram keeps them for MTProto clients: each user has its own message box
// (private chats and basic groups), with its own message ids (1, 2, 3 ... per account, as Telegram
// numbers them outside channels) and its own update sequence (pts). A message between two users is
// stored twice, once in each box, each copy with its owner's id; a basic group message once per
// member. Every change to a box (new, edited, deleted, read) is one event in that account's log:
// pts grows by its pts_count, getDifference replays the log, listeners (the data centre) push it.

import type { BotApiMessage, BotApiMessageEntity } from './botapi-types.js';
import type { BotMessageSink, WorldCore } from './core.js';

/** Who first sent a forwarded message: a user, or (fromChannel) a channel, with its post when it was one. */
export interface ForwardOrigin {
  /** A user id, or a channel's id when fromChannel. */
  from: number;
  date: number;
  fromChannel?: true;
  channelPost?: number;
}

export type AccountPeer = { type: 'user'; id: number } | { type: 'chat'; id: number };

export interface AccountMedia {
  kind: 'photo' | 'document';
  /** The MTProto photo or document id, access hash and file reference. */
  id: bigint;
  accessHash: bigint;
  fileReference: Buffer;
  bytes: Uint8Array;
  date: number;
  mimeType: string;
  name?: string;
  width?: number;
  height?: number;
}

export interface AccountMessage {
  /** The id in its owner's box. */
  id: number;
  owner: number;
  peer: AccountPeer;
  /** The sender's user id. */
  from: number;
  out: boolean;
  date: number;
  text: string;
  entities: BotApiMessageEntity[];
  media?: AccountMedia;
  /** The id (in this box) of the message it replies to. */
  replyTo?: number;
  fwdFrom?: ForwardOrigin;
  editDate?: number;
  silent: boolean;
  /** The same number on every copy of one message (both private boxes, every group member's box). */
  readonly origin: number;
}

export type AccountUpdate =
  | { kind: 'new'; message: AccountMessage }
  | { kind: 'edit'; message: AccountMessage }
  | { kind: 'delete'; ids: number[] }
  | { kind: 'readInbox'; peer: AccountPeer; maxId: number; stillUnread: number }
  | { kind: 'readOutbox'; peer: AccountPeer; maxId: number };

export interface AccountEvent {
  owner: number;
  /** The account's pts after this event. */
  pts: number;
  ptsCount: number;
  update: AccountUpdate;
  /** What caused it (the data centre's session), which is answered directly and not pushed to. */
  cause?: unknown;
}

/** Why a user cannot write to a peer, as Telegram's errors name it. */
export type SendRefusal =
  | 'PEER_ID_INVALID'
  | 'INPUT_USER_DEACTIVATED'
  | 'YOU_BLOCKED_USER'
  | 'USER_IS_BLOCKED'
  | 'USER_PRIVACY_RESTRICTED'
  | 'PEER_FLOOD'
  | 'CHAT_WRITE_FORBIDDEN'
  | 'CHAT_ID_INVALID';

export interface NewMessageContent {
  text: string;
  entities?: BotApiMessageEntity[];
  media?: AccountMedia;
  /** Id in the sender's box of the message replied to. */
  replyTo?: number;
  fwdFrom?: ForwardOrigin;
  silent?: boolean;
  date?: number;
}

export interface ScheduledMessage {
  id: number;
  owner: number;
  peer: AccountPeer;
  at: number;
  content: NewMessageContent;
}

export class UserAccount {
  pts = 1;
  private nextId = 1;
  private nextScheduledId = 1;
  /** The box, in id order (a Map keeps insertion order and ids only grow). */
  readonly messages = new Map<number, AccountMessage>();
  readonly log: AccountEvent[] = [];
  /** Highest incoming id read, highest outgoing id the other side read; by peer key. */
  readonly readInbox = new Map<string, number>();
  readonly readOutbox = new Map<string, number>();
  readonly randomIds = new Set<string>();
  readonly scheduled: ScheduledMessage[] = [];

  constructor(readonly userId: number) {}

  takeId(): number {
    return this.nextId++;
  }

  takeScheduledId(): number {
    return this.nextScheduledId++;
  }

  /** The messages with one peer, oldest first. */
  history(peer: AccountPeer): AccountMessage[] {
    const key = peerKey(peer);
    return [...this.messages.values()].filter((m) => peerKey(m.peer) === key);
  }

  unreadCount(peer: AccountPeer): number {
    const read = this.readInbox.get(peerKey(peer)) ?? 0;
    return this.history(peer).filter((m) => !m.out && m.id > read).length;
  }
}

export function peerKey(p: AccountPeer): string {
  return `${p.type}:${p.id}`;
}

export const MESSAGE_LENGTH_MAX = 4096;
export const CAPTION_LENGTH_MAX = 1024;

export class UserAccounts implements BotMessageSink {
  private readonly accounts = new Map<number, UserAccount>();
  private readonly listeners = new Set<(e: AccountEvent) => void>();
  private originCounter = 0;
  private mediaCounter = 0n;
  /** Scheduled messages waiting in all accounts (releaseDue does nothing while 0). */
  private waiting = 0;

  constructor(private readonly world: WorldCore) {}

  /**
   * One users' box copy of each Bot API message of a private chat or basic group (the others share
   * its origin): edits and deletions through the Bot API reach the boxes by it.
   */
  private readonly copyOf = new WeakMap<BotApiMessage, AccountMessage>();

  /** What a bot sent in a private chat reaches the user's own box (BotMessageSink). */
  privateFromBot(botId: number, userId: number, msg: BotApiMessage): void {
    this.copyOf.set(msg, this.fromBot(botId, userId, contentOfBotMessage(this.world, msg, this)));
  }

  /** What a bot sent in a basic group reaches its members' boxes (BotMessageSink). */
  groupFromBot(chatId: number, botId: number, msg: BotApiMessage): void {
    const first = this.intoGroup(chatId, botId, contentOfBotMessage(this.world, msg, this));
    if (first) this.copyOf.set(msg, first);
  }

  /** A Bot API message edited in place (editMessageText): every box copy follows (BotMessageSink). */
  edited(msg: BotApiMessage): void {
    const m = this.live(msg);
    if (m) this.edit(m.owner, m.id, msg.text ?? msg.caption ?? '', msg.entities ?? msg.caption_entities ?? []);
  }

  /** A Bot API message deleted (deleteMessage): every box copy goes too (BotMessageSink). */
  deleted(msg: BotApiMessage): void {
    const m = this.live(msg);
    this.copyOf.delete(msg);
    if (m) this.delete(m.owner, [m.id], true);
  }

  /** The box copy of a Bot API message, if it is still there. */
  private live(msg: BotApiMessage): AccountMessage | undefined {
    const m = this.copyOf.get(msg);
    if (m && this.account(m.owner).messages.get(m.id) === m) return m;
    // The copy a group member deleted: another member's copy, if any, stands in.
    return m ? this.copies(m)[0] : undefined;
  }

  account(userId: number): UserAccount {
    let a = this.accounts.get(userId);
    if (!a) this.accounts.set(userId, (a = new UserAccount(userId)));
    return a;
  }

  /** Calls fn for every event of every account until the returned function is called. */
  onEvent(fn: (e: AccountEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A photo or document kept for MTProto downloads (upload.getFile by id and access hash). */
  newMedia(fields: Omit<AccountMedia, 'id' | 'accessHash' | 'fileReference'>): AccountMedia {
    const n = ++this.mediaCounter;
    const id = 5_000_000_000_000_000_000n + n;
    const accessHash = BigInt.asIntN(64, n * 0x9e3779b97f4a7c15n);
    const m: AccountMedia = { ...fields, id, accessHash, fileReference: Buffer.from(`ref${n}`) };
    this.mediaById.set(id, m);
    return m;
  }

  private readonly mediaById = new Map<bigint, AccountMedia>();

  media(id: bigint): AccountMedia | undefined {
    return this.mediaById.get(id);
  }

  /** Why `from` cannot write to `peer`, or undefined when it can. */
  refusal(from: number, peer: AccountPeer): SendRefusal | undefined {
    const w = this.world;
    if (peer.type === 'chat') {
      const c = w.chats.get(peer.id);
      if (!c) return 'CHAT_ID_INVALID';
      if (!c.members.includes(from)) return 'CHAT_WRITE_FORBIDDEN';
      return undefined;
    }
    const sender = w.users.get(from);
    const to = w.users.get(peer.id);
    if (!sender || !to) return 'PEER_ID_INVALID';
    if (to.deactivated) return 'INPUT_USER_DEACTIVATED';
    if (w.isBot(to.id)) return w.relation(from, to.id)?.blocked_at !== undefined ? 'YOU_BLOCKED_USER' : undefined;
    if (to.id === from) return undefined; // Saved Messages
    if ((sender.blocked ?? []).includes(to.id)) return 'YOU_BLOCKED_USER';
    if ((to.blocked ?? []).includes(from)) return 'USER_IS_BLOCKED';
    const contactOfThem = (to.contacts ?? []).includes(from);
    if (to.privacy_messages === 'contacts' && !contactOfThem) return 'USER_PRIVACY_RESTRICTED';
    // A flood-limited account may still write to its contacts and to whoever wrote to it first.
    if (sender.peer_flood && !(sender.contacts ?? []).includes(to.id) && !this.hasIncoming(from, peer)) return 'PEER_FLOOD';
    return undefined;
  }

  private hasIncoming(owner: number, peer: AccountPeer): boolean {
    return this.account(owner).history(peer).some((m) => !m.out);
  }

  /**
   * `from` sends a message to `peer` (a user, a bot, or a basic group it is in). Stores a copy in
   * every box concerned, logs and announces each; a bot peer gets it as a Bot API update. Returns
   * the sender's copy. The caller checks refusal() first.
   */
  send(from: number, peer: AccountPeer, content: NewMessageContent, cause?: unknown): AccountMessage {
    const w = this.world;
    const origin = ++this.originCounter;
    const date = content.date ?? w.now();
    const mine = this.store(from, peer, from, content, date, origin, cause);
    if (peer.type === 'user' && peer.id !== from) {
      if (w.isBot(peer.id)) this.copyOf.set(this.toBot(from, peer.id, content), mine);
      else this.store(peer.id, { type: 'user', id: from }, from, { ...content, replyTo: this.mapReply(from, peer.id, content.replyTo) }, date, origin);
    } else if (peer.type === 'chat') {
      for (const member of w.chats.get(peer.id)!.members) {
        if (member === from || w.isBot(member)) continue;
        this.store(member, peer, from, { ...content, replyTo: this.mapReply(from, member, content.replyTo) }, date, origin);
      }
    }
    return mine;
  }

  /** A bot's message to a user (Bot API sendMessage / sendPhoto ...), into the user's box. */
  fromBot(botId: number, userId: number, content: NewMessageContent): AccountMessage {
    return this.store(userId, { type: 'user', id: botId }, botId, content, content.date ?? this.world.now(), ++this.originCounter);
  }

  /**
   * A message a user or bot posted in a basic group through the Bot API side or the driver: every
   * human member's box but the sender's own gets it. Returns the first copy stored.
   */
  intoGroup(chatId: number, from: number, content: NewMessageContent, opts: { includeSender?: boolean } = {}): AccountMessage | undefined {
    const chat = this.world.chats.get(chatId);
    if (!chat) return undefined;
    const origin = ++this.originCounter;
    const date = content.date ?? this.world.now();
    let first: AccountMessage | undefined;
    for (const member of chat.members) {
      if ((member === from && !opts.includeSender) || this.world.isBot(member)) continue;
      const m = this.store(member, { type: 'chat', id: chatId }, from, content, date, origin);
      first ??= m;
    }
    return first;
  }

  /**
   * The user's own copy of what it wrote to a bot through the driver (`sandbox say`), called just
   * after the Bot API side stored it: that message (the box's last) is linked to the copy.
   */
  userToBot(userId: number, botId: number, content: NewMessageContent): AccountMessage {
    const m = this.store(userId, { type: 'user', id: botId }, userId, content, content.date ?? this.world.now(), ++this.originCounter);
    const theirs = this.world.messages(userId, { bot: botId }).at(-1);
    if (theirs && theirs.from?.id === userId && theirs.text === content.text && !this.copyOf.has(theirs)) this.copyOf.set(theirs, m);
    return m;
  }

  private store(owner: number, peer: AccountPeer, from: number, content: NewMessageContent, date: number, origin: number, cause?: unknown): AccountMessage {
    const a = this.account(owner);
    const m: AccountMessage = {
      id: a.takeId(),
      owner,
      peer,
      from,
      out: from === owner,
      date,
      text: content.text,
      entities: content.entities ?? [],
      media: content.media,
      replyTo: content.replyTo,
      fwdFrom: content.fwdFrom,
      silent: content.silent ?? false,
      origin,
    };
    a.messages.set(m.id, m);
    this.world.markMade(m);
    this.emit(a, 1, { kind: 'new', message: m }, cause);
    return m;
  }

  /** The id in `to`'s box of the copy of `from`'s message `id`, if it has one. */
  private mapReply(from: number, to: number, id: number | undefined): number | undefined {
    if (id === undefined) return undefined;
    const origin = this.account(from).messages.get(id)?.origin;
    if (origin === undefined) return undefined;
    for (const m of this.account(to).messages.values()) if (m.origin === origin) return m.id;
    return undefined;
  }

  private copies(m: AccountMessage): AccountMessage[] {
    const out: AccountMessage[] = [];
    for (const a of this.accounts.values()) {
      if (a.userId === m.owner) continue;
      for (const x of a.messages.values()) if (x.origin === m.origin) out.push(x);
    }
    return out;
  }

  private toBot(userId: number, botId: number, content: NewMessageContent): BotApiMessage {
    const w = this.world;
    const user = w.users.get(userId)!;
    const rel = w.ensureRelation(userId, botId);
    const text = content.text;
    if (text === '/start' || text.startsWith('/start ')) {
      rel.started_at = w.now();
      const payload = text.slice(7).trim();
      if (payload) rel.start_payload = payload;
    } else {
      rel.started_at ??= w.now();
    }
    const chat = { type: 'private' as const, id: userId, user: user };
    const entities = content.entities?.length ? content.entities : undefined;
    const fields: Parameters<WorldCore['addMessage']>[2] = { from: w.botApiUser(user) };
    if (content.media) {
      const f = w.storeFile(userId, content.media.kind, content.media.bytes, { name: content.media.name, mime_type: content.media.mimeType, width: content.media.width, height: content.media.height });
      if (f.kind === 'photo') fields.photo = [{ file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.size, width: f.width ?? 1, height: f.height ?? 1 }];
      else fields.document = { file_id: f.file_id, file_unique_id: f.file_unique_id, ...(f.name ? { file_name: f.name } : {}), mime_type: f.mime_type, file_size: f.size };
      if (text) fields.caption = text;
      if (text && entities) fields.caption_entities = entities;
    } else {
      fields.text = text;
      if (entities) fields.entities = entities;
    }
    const msg = w.addMessage(botId, chat, fields);
    w.pushUpdate(botId, 'message', msg);
    return msg;
  }

  /** Edits a message in its owner's box and in every copy; one edit event per box. */
  edit(owner: number, id: number, text: string, entities: BotApiMessageEntity[], cause?: unknown): AccountMessage {
    const m = this.account(owner).messages.get(id)!;
    const now = this.world.now();
    for (const x of [m, ...this.copies(m)]) {
      x.text = text;
      x.entities = entities;
      x.editDate = now;
      this.emit(this.account(x.owner), 1, { kind: 'edit', message: x }, x === m ? cause : undefined);
    }
    return m;
  }

  /**
   * Deletes messages from the owner's box (ids it does not hold are ignored); with revoke, their
   * copies too. Returns the owner's pts and pts_count.
   */
  delete(owner: number, ids: number[], revoke: boolean, cause?: unknown): { pts: number; ptsCount: number } {
    const a = this.account(owner);
    const gone: AccountMessage[] = [];
    for (const id of new Set(ids)) {
      const m = a.messages.get(id);
      if (m) gone.push(m);
    }
    const others = new Map<number, number[]>();
    if (revoke) {
      for (const m of gone) {
        for (const c of this.copies(m)) {
          if (!others.has(c.owner)) others.set(c.owner, []);
          others.get(c.owner)!.push(c.id);
        }
      }
    }
    for (const m of gone) a.messages.delete(m.id);
    if (gone.length) this.emit(a, gone.length, { kind: 'delete', ids: gone.map((m) => m.id) }, cause);
    for (const [who, theirs] of others) {
      const b = this.account(who);
      for (const id of theirs) b.messages.delete(id);
      this.emit(b, theirs.length, { kind: 'delete', ids: theirs });
    }
    return { pts: a.pts, ptsCount: gone.length };
  }

  /**
   * Marks the peer's incoming messages read up to maxId (0: all). The other side of a private
   * chat (or each sender in a group) learns its outgoing messages were read.
   */
  readHistory(owner: number, peer: AccountPeer, maxId: number, cause?: unknown): { pts: number; ptsCount: number } {
    const a = this.account(owner);
    const key = peerKey(peer);
    const incoming = a.history(peer).filter((m) => !m.out);
    const top = incoming.length ? incoming[incoming.length - 1].id : 0;
    const upTo = maxId <= 0 ? top : Math.min(maxId, top);
    const before = a.readInbox.get(key) ?? 0;
    if (upTo <= before) return { pts: a.pts, ptsCount: 0 };
    a.readInbox.set(key, upTo);
    const stillUnread = incoming.filter((m) => m.id > upTo).length;
    this.emit(a, 1, { kind: 'readInbox', peer, maxId: upTo, stillUnread }, cause);
    const read = new Set(incoming.filter((m) => m.id > before && m.id <= upTo).map((m) => m.origin));
    const senders = new Set(incoming.filter((m) => read.has(m.origin)).map((m) => m.from));
    for (const s of senders) {
      if (this.world.isBot(s)) continue;
      const b = this.account(s);
      const theirPeer: AccountPeer = peer.type === 'chat' ? peer : { type: 'user', id: owner };
      const theirs = b.history(theirPeer).filter((m) => m.out && read.has(m.origin));
      if (!theirs.length) continue;
      const max = theirs[theirs.length - 1].id;
      const k = peerKey(theirPeer);
      if ((b.readOutbox.get(k) ?? 0) >= max) continue;
      b.readOutbox.set(k, max);
      this.emit(b, 1, { kind: 'readOutbox', peer: theirPeer, maxId: max });
    }
    return { pts: a.pts, ptsCount: 1 };
  }

  /** Queues a message to be sent at `at` (unix seconds); sent by releaseDue(). */
  schedule(owner: number, peer: AccountPeer, at: number, content: NewMessageContent): ScheduledMessage {
    const a = this.account(owner);
    const s: ScheduledMessage = { id: a.takeScheduledId(), owner, peer, at, content };
    a.scheduled.push(s);
    this.waiting++;
    return s;
  }

  /** Sends every scheduled message whose time has come (on the world's clock). */
  releaseDue(): number {
    if (this.waiting === 0) return 0;
    const now = this.world.now();
    let n = 0;
    for (const a of this.accounts.values()) {
      if (!a.scheduled.length) continue;
      const due = a.scheduled.filter((s) => s.at <= now);
      if (!due.length) continue;
      for (const s of due) {
        a.scheduled.splice(a.scheduled.indexOf(s), 1);
        this.waiting--;
        if (this.refusal(s.owner, s.peer)) continue;
        this.send(s.owner, s.peer, { ...s.content, date: s.at });
        n++;
      }
    }
    return n;
  }

  /** The log of an account after `pts` (events whose pts is above it), oldest first. */
  eventsAfter(owner: number, pts: number): AccountEvent[] {
    const log = this.account(owner).log;
    // The log is in pts order: binary search the first event past pts.
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid].pts <= pts) lo = mid + 1;
      else hi = mid;
    }
    return log.slice(lo);
  }

  private emit(a: UserAccount, ptsCount: number, update: AccountUpdate, cause?: unknown): void {
    a.pts += ptsCount;
    const e: AccountEvent = { owner: a.userId, pts: a.pts, ptsCount, update, cause };
    a.log.push(e);
    for (const fn of [...this.listeners]) fn(e);
  }
}

const mediaOfFile = new WeakMap<object, AccountMedia>();

/** What a Bot API message (sent by a bot) shows in a user's box: its text or caption and its file. */
export function contentOfBotMessage(world: WorldCore, msg: BotApiMessage, accounts: UserAccounts): NewMessageContent {
  const fileId = (msg.document ?? msg.video ?? msg.audio)?.file_id ?? msg.photo?.[msg.photo.length - 1]?.file_id;
  const stored = fileId === undefined ? undefined : world.files.get(fileId);
  let media: AccountMedia | undefined;
  if (stored) {
    media = mediaOfFile.get(stored);
    if (!media) {
      media = accounts.newMedia({
        kind: stored.kind,
        bytes: stored.bytes,
        date: msg.date,
        mimeType: stored.mime_type ?? (stored.kind === 'photo' ? 'image/jpeg' : 'application/octet-stream'),
        name: stored.name,
        width: stored.width,
        height: stored.height,
      });
      mediaOfFile.set(stored, media);
    }
  }
  const origin = msg.forward_origin;
  return {
    text: msg.text ?? msg.caption ?? '',
    entities: msg.entities ?? msg.caption_entities ?? [],
    media,
    date: msg.date,
    silent: world.isSilent(msg),
    // A forward (forwardMessage) from a user shows that user in the box; other origins are not kept there.
    ...(origin?.type === 'user' ? { fwdFrom: { from: origin.sender_user.id, date: origin.date } } : {}),
  };
}
