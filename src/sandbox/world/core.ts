// The sandbox world's state: one model behind the MTProto data centre and the Bot API server.
// This file holds the peers, their indexes, the clock, each bot's update queue and state, the
// message log and the uploaded files. seed.ts (run by World) turns the world file's history into
// the first messages and updates. world.ts adds the users' own message boxes (accounts.ts)
// and the driver (users acting, driver.ts), which both work on this state.

import { DEFAULT_LIMITS, type WorldBotData, type WorldBotRelation, type WorldChannelData, type WorldChatData, type WorldData, type WorldLimits, type WorldUserData } from './types.js';
import type {
  BotApiChat,
  BotApiChatMember,
  BotApiChatMemberStatus,
  BotApiMessage,
  BotApiUpdate,
  BotApiUser,
  UpdateKind,
} from './botapi-types.js';
import { randomInt } from 'node:crypto';
import { UpdateQueue } from './updates.js';

export type WorldPeer =
  | { type: 'user'; user: WorldUserData; bot?: WorldBotData }
  | { type: 'chat'; chat: WorldChatData }
  | { type: 'channel'; channel: WorldChannelData };

/** A chat as the Bot API addresses it: `id` is the Bot API id (user id, -chat id, -100channel id). */
export type WorldChat =
  | { type: 'private'; id: number; user: WorldUserData }
  | { type: 'group'; id: number; chat: WorldChatData }
  | { type: 'supergroup' | 'channel'; id: number; channel: WorldChannelData };

/** A chat reference in driver calls and `received()`: a Bot API chat id or `@username`. */
export type ChatRef = number | string;
/** A user reference in driver calls: a user id or a username (with or without `@`). */
export type UserRef = number | string;

/** The Bot API id prefix of channels and supergroups: -100<id> is -(1e12 + id). */
export const CHANNEL_ID_OFFSET = 1_000_000_000_000;
/** A bot whose last update is this old gets its next ones numbered afresh (Telegram: a week). */
export const UPDATE_IDS_RESTART_MS = 7 * 24 * 3600_000;

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  kind: 'document' | 'photo';
  /** The uploaded file name (photos lose it on Telegram, the sandbox keeps it). */
  name?: string;
  mime_type?: string;
  size: number;
  bytes: Uint8Array;
  width?: number;
  height?: number;
  /** The bot that uploaded it. */
  bot: number;
}

export interface BotWebhook {
  url: string;
  max_connections: number;
  allowed_updates?: string[];
  set_at: number;
}

export interface BotCommandData {
  command: string;
  description: string;
}

/** What the world keeps for each bot besides its data. */
export interface BotState {
  queue: UpdateQueue;
  /** World time (ms) of the bot's last update (for the fresh numbering after a quiet week). */
  lastUpdateAt?: number;
  webhook?: BotWebhook;
  /** The last `allowed_updates` given to getUpdates or setWebhook (undefined: the default set). */
  allowedUpdates?: string[];
  /** Users the bot has met (wrote to it, started it, in a chat with it): it can getChat them. */
  seen: Set<number>;
  commands: BotCommandData[];
  /** Callback query ids not yet answered, and the answers given. */
  callbacks: Map<string, { answered: boolean; text?: string; show_alert?: boolean; url?: string }>;
}

interface Box {
  messages: BotApiMessage[];
}

/** Where what a bot sends reaches the users' own message boxes (their MTProto sessions). */
export interface BotMessageSink {
  /** A bot's message in a private chat with the user. */
  privateFromBot(botId: number, userId: number, msg: BotApiMessage): void;
  /** A bot's message in a basic group. */
  groupFromBot(chatId: number, botId: number, msg: BotApiMessage): void;
  /** A message of a chat was edited in place (editMessageText): the users' copies follow. */
  edited(msg: BotApiMessage): void;
  /** A message of a chat was deleted (deleteMessage): the users' copies go too. */
  deleted(msg: BotApiMessage): void;
}

export class WorldCore {
  readonly apiId: number;
  readonly apiHash: string;
  readonly limits: WorldLimits;
  /** Users and bots by id (bots are users with a token). */
  readonly users = new Map<number, WorldUserData>();
  readonly bots = new Map<number, WorldBotData>();
  readonly chats = new Map<number, WorldChatData>();
  readonly channels = new Map<number, WorldChannelData>();
  readonly relations: WorldBotRelation[];
  /** Uploaded files by file_id. */
  readonly files = new Map<string, StoredFile>();
  /** Set by World: the users' own message boxes. */
  protected botMessages: BotMessageSink | undefined;
  /**
   * Told of every message made in (or deleted from) a supergroup's or channel's box, whoever made
   * it: the MTProto data centre keeps those chats' pts and pushes their updates to members by it.
   */
  readonly channelWatchers = new Set<(c: WorldChat, change: { made?: BotApiMessage; deleted?: BotApiMessage; edited?: BotApiMessage }) => void>();
  private readonly byUsername = new Map<string, WorldPeer>();
  private readonly botsByToken = new Map<string, WorldBotData>();
  private readonly byPhone = new Map<string, WorldUserData>();
  private readonly relationIndex = new Map<string, WorldBotRelation>();
  private readonly botStates = new Map<number, BotState>();
  /** Message boxes of groups and channels, by Bot API chat id (one box for all bots). */
  private readonly chatBoxes = new Map<number, Box>();
  /** Message boxes of private chats: by user id, then by bot id. */
  private readonly privateBoxes = new Map<number, Map<number, Box>>();
  /** Messages sent by bots, with the sending bot (channel posts have no `from`). */
  private readonly sentBy = new WeakMap<BotApiMessage, number>();
  /** Messages sent with disable_notification (not a field of Telegram's Message: kept aside). */
  private readonly silentMessages = new WeakSet<BotApiMessage>();
  /** Deleted messages stay in their box (ids are box indexes and never shift); nothing shows them. */
  private readonly deletedMessages = new WeakSet<BotApiMessage>();
  /** The order messages of every kind (Bot API chats, users' boxes) were made in: dates tie within a second. */
  private readonly madeAt = new WeakMap<object, number>();
  private made = 0;
  private fileCounter = 0;
  private callbackCounter = 0;
  /** Milliseconds added to the real clock (tests move time forward without sleeping). */
  private clockOffsetMs = 0;
  /** Real time at which the clock was frozen, if it is. */
  private frozenAtMs: number | undefined;

  constructor(data: WorldData) {
    this.apiId = data.api_id;
    this.apiHash = data.api_hash;
    this.limits = { ...DEFAULT_LIMITS, ...data.limits };
    for (const u of data.users) {
      this.users.set(u.id, u);
      this.indexUsernames(u.usernames, { type: 'user', user: u });
      if (u.phone) this.byPhone.set(normalizePhone(u.phone), u);
    }
    for (const b of data.bots) {
      this.users.set(b.id, b);
      this.bots.set(b.id, b);
      this.botsByToken.set(b.token, b);
      this.indexUsernames(b.usernames, { type: 'user', user: b, bot: b });
    }
    for (const c of data.chats ?? []) this.chats.set(c.id, c);
    for (const c of data.channels ?? []) {
      this.channels.set(c.id, c);
      this.indexUsernames(c.usernames, { type: 'channel', channel: c });
    }
    this.relations = (data.relations ?? []).map((r) => ({ ...r }));
    for (const r of this.relations) this.relationIndex.set(`${r.user}:${r.bot}`, r);
  }

  private indexUsernames(names: string[] | undefined, peer: WorldPeer): void {
    for (const n of names ?? []) this.byUsername.set(n.toLowerCase(), peer);
  }

  /** Username lookup, case-insensitive, as Telegram does it. Hidden users are not found. */
  findByUsername(name: string): WorldPeer | undefined {
    const p = this.byUsername.get(name.toLowerCase());
    if (p?.type === 'user' && p.user.hidden) return undefined;
    return p;
  }

  botByToken(token: string): WorldBotData | undefined {
    return this.botsByToken.get(token);
  }

  userByPhone(phone: string): WorldUserData | undefined {
    return this.byPhone.get(normalizePhone(phone));
  }

  isBot(userId: number): boolean {
    return this.bots.has(userId);
  }

  relation(userId: number, botId: number): WorldBotRelation | undefined {
    if (this.relationIndex.size !== this.relations.length) {
      // Someone changed `relations` directly: index it again.
      this.relationIndex.clear();
      for (const r of this.relations) this.relationIndex.set(`${r.user}:${r.bot}`, r);
    }
    return this.relationIndex.get(`${userId}:${botId}`);
  }

  /** The relation of a user to a bot, created (never started, not blocked) when missing. */
  ensureRelation(userId: number, botId: number): WorldBotRelation {
    let r = this.relation(userId, botId);
    if (!r) {
      r = { user: userId, bot: botId };
      this.relations.push(r);
      this.relationIndex.set(`${userId}:${botId}`, r);
    }
    return r;
  }

  /** Milliseconds since the epoch on the world's clock. */
  nowMs(): number {
    return (this.frozenAtMs ?? Date.now()) + this.clockOffsetMs;
  }

  /** Stops the world's clock (only advanceClock moves it then): tests of limits become exact. */
  freezeClock(): void {
    if (this.frozenAtMs === undefined) this.frozenAtMs = Date.now();
  }

  /** Lets the world's clock follow real time again (from where it stands). */
  unfreezeClock(): void {
    if (this.frozenAtMs === undefined) return;
    this.clockOffsetMs += this.frozenAtMs - Date.now();
    this.frozenAtMs = undefined;
  }

  /** Unix seconds on the world's clock. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Moves the world's clock forward (or back, with a negative value). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  // ---- peers --------------------------------------------------------------------------------

  /** Adds a user (or a bot, when it has a token) to a running world. Throws on a taken id or username. */
  addUser(u: WorldUserData | WorldBotData): void {
    if (this.users.has(u.id)) throw new Error(`user id ${u.id} is taken`);
    for (const n of u.usernames ?? []) {
      if (this.byUsername.has(n.toLowerCase())) throw new Error(`username ${n} is taken`);
    }
    this.users.set(u.id, u);
    const token = (u as WorldBotData).token;
    if (typeof token === 'string') {
      const b = u as WorldBotData;
      this.bots.set(b.id, b);
      this.botsByToken.set(b.token, b);
      this.indexUsernames(b.usernames, { type: 'user', user: b, bot: b });
    } else {
      this.indexUsernames(u.usernames, { type: 'user', user: u });
      if (u.phone) this.byPhone.set(normalizePhone(u.phone), u);
    }
  }

  /** A user by id or username; throws a clear error when there is none. */
  user(ref: UserRef): WorldUserData {
    if (typeof ref === 'number') {
      const u = this.users.get(ref);
      if (!u) throw new Error(`no user with id ${ref} in the world`);
      return u;
    }
    const name = ref.replace(/^@/, '').toLowerCase();
    const p = this.byUsername.get(name);
    if (p?.type !== 'user') throw new Error(`no user @${name} in the world`);
    return p.user;
  }

  /** A bot by id or username; the first bot of the world when absent. */
  bot(ref?: UserRef): WorldBotData {
    if (ref === undefined) {
      const first = this.bots.values().next();
      if (first.done) throw new Error('the world has no bot');
      return first.value;
    }
    const u = this.user(ref);
    const b = this.bots.get(u.id);
    if (!b) throw new Error(`user ${u.id} is not a bot`);
    return b;
  }

  /** A chat by Bot API id, or undefined. Positive ids are private chats with users. */
  chatById(id: number): WorldChat | undefined {
    if (!Number.isSafeInteger(id) || id === 0) return undefined;
    if (id > 0) {
      const user = this.users.get(id);
      return user ? { type: 'private', id, user } : undefined;
    }
    if (id > -CHANNEL_ID_OFFSET) {
      const chat = this.chats.get(-id);
      return chat ? { type: 'group', id, chat } : undefined;
    }
    const channel = this.channels.get(-id - CHANNEL_ID_OFFSET);
    return channel ? { type: channel.broadcast ? 'channel' : 'supergroup', id, channel } : undefined;
  }

  /** A chat by Bot API id or `@username` (users, channels and supergroups); throws when unknown. */
  chat(ref: ChatRef): WorldChat {
    if (typeof ref === 'number' || /^-?\d+$/.test(ref)) {
      const c = this.chatById(Number(ref));
      if (!c) throw new Error(`no chat with Bot API id ${ref} in the world`);
      return c;
    }
    const p = this.findByUsername(ref.replace(/^@/, ''));
    if (!p) throw new Error(`no chat ${ref} in the world`);
    if (p.type === 'user') return { type: 'private', id: p.user.id, user: p.user };
    if (p.type === 'channel') return this.chatById(-CHANNEL_ID_OFFSET - p.channel.id)!;
    return { type: 'group', id: -p.chat.id, chat: p.chat };
  }

  /** The Bot API User object of a user or bot. */
  botApiUser(u: WorldUserData): BotApiUser {
    const out: BotApiUser = { id: u.id, is_bot: this.bots.has(u.id), first_name: u.first_name };
    if (u.last_name) out.last_name = u.last_name;
    if (u.usernames?.length) out.username = u.usernames[0];
    if (u.language_code) out.language_code = u.language_code;
    return out;
  }

  /** The short Bot API Chat object (as in Message.chat). */
  botApiChat(c: WorldChat): BotApiChat {
    if (c.type === 'private') {
      const out = { id: c.id, first_name: c.user.first_name } as BotApiChat;
      if (c.user.last_name) out.last_name = c.user.last_name;
      if (c.user.usernames?.length) out.username = c.user.usernames[0];
      out.type = 'private';
      return out;
    }
    if (c.type === 'group') {
      return { id: c.id, title: c.chat.title, type: 'group' };
    }
    const out = { id: c.id, title: c.channel.title } as BotApiChat;
    if (c.channel.usernames?.length) out.username = c.channel.usernames[0];
    out.type = c.type;
    if (c.type === 'supergroup' && c.channel.forum) out.is_forum = true;
    return out;
  }

  /** Members, admins, creator and kicked list of a group, supergroup or channel. */
  private roster(c: WorldChat): { members: number[]; admins: number[]; creator?: number; kicked: number[] } | undefined {
    if (c.type === 'group') {
      c.chat.admins ??= [];
      c.chat.kicked ??= [];
      return { members: c.chat.members, admins: c.chat.admins, creator: c.chat.creator, kicked: c.chat.kicked };
    }
    if (c.type === 'private') return undefined;
    c.channel.admins ??= [];
    c.channel.kicked ??= [];
    return { members: c.channel.members, admins: c.channel.admins, creator: c.channel.creator, kicked: c.channel.kicked };
  }

  /** A user's status in a chat: creator, administrator, member, kicked or left. */
  memberStatus(c: WorldChat, userId: number): BotApiChatMemberStatus {
    if (c.type === 'private') return c.id === userId || this.bots.has(userId) ? 'member' : 'left';
    const r = this.roster(c)!;
    if (r.kicked.includes(userId)) return 'kicked';
    if (!r.members.includes(userId)) return 'left';
    if (r.creator === userId) return 'creator';
    if (r.admins.includes(userId)) return 'administrator';
    return 'member';
  }

  isMember(c: WorldChat, userId: number): boolean {
    const s = this.memberStatus(c, userId);
    return s === 'creator' || s === 'administrator' || s === 'member';
  }

  isAdmin(c: WorldChat, userId: number): boolean {
    const s = this.memberStatus(c, userId);
    return s === 'creator' || s === 'administrator';
  }

  /** Changes a user's status in a group, supergroup or channel (driver use). */
  setMemberStatus(c: WorldChat, userId: number, status: BotApiChatMemberStatus): void {
    const r = this.roster(c);
    if (!r) throw new Error('a private chat has no members to change');
    const drop = (xs: number[]) => {
      const i = xs.indexOf(userId);
      if (i >= 0) xs.splice(i, 1);
    };
    drop(r.kicked);
    if (status === 'left' || status === 'kicked') {
      drop(r.members);
      drop(r.admins);
      if (status === 'kicked') r.kicked.push(userId);
      return;
    }
    if (!r.members.includes(userId)) r.members.push(userId);
    if (status === 'administrator' || status === 'creator') {
      if (!r.admins.includes(userId)) r.admins.push(userId);
    } else drop(r.admins);
  }

  /** The Bot API ChatMember object of a user in a chat. */
  chatMember(c: WorldChat, userId: number, status = this.memberStatus(c, userId)): BotApiChatMember {
    const user = this.botApiUser(this.user(userId));
    switch (status) {
      case 'creator':
        return { user, status, is_anonymous: false };
      case 'administrator': {
        const channel = c.type === 'channel';
        const m: BotApiChatMember = {
          user,
          status,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: true,
          can_manage_video_chats: true,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: true,
          can_invite_users: true,
          can_post_stories: true,
          can_edit_stories: true,
          can_delete_stories: true,
        };
        if (channel) {
          m.can_post_messages = true;
          m.can_edit_messages = true;
        } else {
          m.can_pin_messages = true;
        }
        if (c.type === 'supergroup') m.can_manage_topics = false;
        return m;
      }
      case 'kicked':
        return { user, status, until_date: 0 };
      default:
        return { user, status };
    }
  }

  /** Every Bot API chat (groups, supergroups, channels) a user or bot is a member of. */
  chatsOf(userId: number): WorldChat[] {
    const out: WorldChat[] = [];
    for (const chat of this.chats.values()) {
      if (chat.members.includes(userId)) out.push({ type: 'group', id: -chat.id, chat });
    }
    for (const channel of this.channels.values()) {
      if (channel.members.includes(userId)) {
        out.push({ type: channel.broadcast ? 'channel' : 'supergroup', id: -CHANNEL_ID_OFFSET - channel.id, channel });
      }
    }
    return out;
  }

  // ---- bots: state, updates, who they know ---------------------------------------------------

  botState(botId: number): BotState {
    let s = this.botStates.get(botId);
    if (!s) {
      if (!this.bots.has(botId)) throw new Error(`user ${botId} is not a bot`);
      // Update ids start high and per bot, as on Telegram, so clients never rely on small numbers.
      s = { queue: new UpdateQueue(100_000_001), seen: new Set(), commands: [], callbacks: new Map() };
      this.botStates.set(botId, s);
    }
    return s;
  }

  /** The bot's pending updates. */
  updates(botId: number): UpdateQueue {
    return this.botState(botId).queue;
  }

  /** Queues an update for a bot and notes the users in it as met. */
  pushUpdate<K extends UpdateKind>(botId: number, kind: K, payload: NonNullable<BotApiUpdate[K]>): BotApiUpdate {
    const st = this.botState(botId);
    const p = payload as { from?: BotApiUser; chat?: BotApiChat };
    if (p.from && !p.from.is_bot) st.seen.add(p.from.id);
    return this.queueFor(botId).push(kind, payload);
  }

  /**
   * The bot's queue, about to receive updates. As on Telegram, a bot that had no update for a
   * week gets its next ones numbered from a random id (usually far below the old ones), so a
   * client that keeps an old offset would confirm them unseen.
   */
  queueFor(botId: number): UpdateQueue {
    const st = this.botState(botId);
    const now = this.nowMs();
    if (st.lastUpdateAt !== undefined && now - st.lastUpdateAt >= UPDATE_IDS_RESTART_MS) st.queue.restartIds(1 + randomInt(1_000_000));
    st.lastUpdateAt = now;
    return st.queue;
  }

  /**
   * Whether the bot knows a user (can getChat or address them): the user has a relation with it,
   * wrote to it, or shares a chat with it.
   */
  knowsUser(botId: number, userId: number): boolean {
    if (userId === botId) return true;
    if (this.relation(userId, botId)) return true;
    if (this.botState(botId).seen.has(userId)) return true;
    for (const c of this.chatsOf(botId)) if (this.isMember(c, userId)) return true;
    return false;
  }

  // ---- messages -----------------------------------------------------------------------------

  private box(botId: number, c: WorldChat, create: boolean): Box | undefined {
    if (c.type !== 'private') {
      let b = this.chatBoxes.get(c.id);
      if (!b && create) this.chatBoxes.set(c.id, (b = { messages: [] }));
      return b;
    }
    let m = this.privateBoxes.get(c.id);
    if (!m) {
      if (!create) return undefined;
      this.privateBoxes.set(c.id, (m = new Map<number, Box>()));
    }
    let b = m.get(botId);
    if (!b && create) m.set(botId, (b = { messages: [] }));
    return b;
  }

  /**
   * Stores a message in a chat and returns it with its new message_id. Private chats are per bot
   * (message ids count from 1 in each); groups and channels share one box for all bots.
   */
  addMessage(
    botId: number,
    c: WorldChat,
    fields: Omit<BotApiMessage, 'message_id' | 'chat' | 'date'> & { date?: number },
    opts: { sentByBot?: boolean; chat?: BotApiChat; silent?: boolean } = {},
  ): BotApiMessage {
    const box = this.box(botId, c, true)!;
    // Telegram's key order: message_id, from / sender_chat, chat, date, then the content.
    const msg = { message_id: box.messages.length + 1 } as BotApiMessage;
    if (fields.message_thread_id !== undefined) msg.message_thread_id = fields.message_thread_id;
    if (fields.from) msg.from = fields.from;
    if (fields.sender_chat) msg.sender_chat = fields.sender_chat;
    msg.chat = opts.chat ?? this.botApiChat(c);
    msg.date = fields.date ?? this.now();
    for (const k in fields) {
      if (k !== 'from' && k !== 'sender_chat' && k !== 'date' && k !== 'message_thread_id') {
        (msg as unknown as Record<string, unknown>)[k] = (fields as Record<string, unknown>)[k];
      }
    }
    box.messages.push(msg);
    this.markMade(msg);
    if (opts.silent) this.silentMessages.add(msg);
    if (opts.sentByBot) {
      this.sentBy.set(msg, botId);
      // What a bot sends reaches the users' own boxes too (their MTProto sessions).
      if (c.type === 'private') this.botMessages?.privateFromBot(botId, c.user.id, msg);
      else if (c.type === 'group') this.botMessages?.groupFromBot(c.chat.id, botId, msg);
    }
    if (c.type === 'supergroup' || c.type === 'channel') for (const fn of [...this.channelWatchers]) fn(c, { made: msg });
    return msg;
  }

  /** A message by id as the bot sees it, or undefined. */
  findMessage(botId: number, c: WorldChat, messageId: number): BotApiMessage | undefined {
    const box = this.box(botId, c, false);
    if (!box || !Number.isInteger(messageId) || messageId < 1) return undefined;
    const m = box.messages[messageId - 1];
    return m && !this.deletedMessages.has(m) ? m : undefined;
  }

  /** Deletes a message (deleteMessage): it keeps its place in the box, unseen; the users' copies go. */
  deleteMessage(m: BotApiMessage): void {
    if (this.deletedMessages.has(m)) return;
    this.deletedMessages.add(m);
    this.botMessages?.deleted(m);
    const c = m.chat.type === 'supergroup' || m.chat.type === 'channel' ? this.chatById(m.chat.id) : undefined;
    if (c) for (const fn of [...this.channelWatchers]) fn(c, { deleted: m });
  }

  /** Tells the users' boxes that a message was edited in place (its text, entities, edit_date). */
  messageEdited(m: BotApiMessage): void {
    this.botMessages?.edited(m);
    const c = m.chat.type === 'supergroup' || m.chat.type === 'channel' ? this.chatById(m.chat.id) : undefined;
    if (c) for (const fn of [...this.channelWatchers]) fn(c, { edited: m });
  }

  /** Every message of a chat (users' and bots'), oldest first; `bot` picks the private box. */
  messages(chat: ChatRef, opts: { bot?: UserRef } = {}): BotApiMessage[] {
    const c = this.chat(chat);
    if (c.type === 'private') {
      const boxes = this.privateBoxes.get(c.id);
      if (!boxes) return [];
      if (opts.bot !== undefined) return this.shown(boxes.get(this.bot(opts.bot).id)?.messages);
      return [...boxes.values()].flatMap((b) => this.shown(b.messages)).sort((a, b) => a.date - b.date);
    }
    return this.shown(this.box(0, c, false)?.messages);
  }

  private shown(list: BotApiMessage[] | undefined): BotApiMessage[] {
    return (list ?? []).filter((m) => !this.deletedMessages.has(m));
  }

  /** Notes that a message (of a chat or of a user's box) was made now, for madeOrder. */
  markMade(m: object): void {
    this.madeAt.set(m, ++this.made);
  }

  /** When a message was made, relative to the others (0: not known). */
  madeOrder(m: object): number {
    return this.madeAt.get(m) ?? 0;
  }

  /** True when the message was sent without a notification (disable_notification). */
  isSilent(m: BotApiMessage): boolean {
    return this.silentMessages.has(m);
  }

  /** The bot that sent a message, or undefined for users' messages. */
  senderBot(m: BotApiMessage): number | undefined {
    return this.sentBy.get(m);
  }

  /** What a chat received from bots (text, entities, files, replies, message ids), oldest first. */
  received(chat: ChatRef, opts: { bot?: UserRef } = {}): BotApiMessage[] {
    const botId = opts.bot === undefined ? undefined : this.bot(opts.bot).id;
    return this.messages(chat, opts).filter((m) => {
      const by = this.sentBy.get(m);
      return by !== undefined && (botId === undefined || by === botId);
    });
  }

  // ---- files --------------------------------------------------------------------------------

  /** Stores an uploaded file and gives it a file_id in Telegram's style. */
  storeFile(botId: number, kind: 'document' | 'photo', bytes: Uint8Array, meta: { name?: string; mime_type?: string; width?: number; height?: number }): StoredFile {
    const n = ++this.fileCounter;
    const tail = Buffer.from(`${botId}:${n}:${bytes.length}`).toString('base64url');
    const f: StoredFile = {
      file_id: (kind === 'photo' ? 'AgACAgIAAxkBAAI' : 'BQACAgIAAxkBAAI') + tail,
      file_unique_id: 'AQAD' + Buffer.from(`u${n}`).toString('base64url'),
      kind,
      size: bytes.length,
      bytes,
      bot: botId,
      ...meta,
    };
    this.files.set(f.file_id, f);
    return f;
  }

  /** A new callback query id, unique in the world. */
  newCallbackQueryId(): string {
    return String(BigInt(this.apiId) * 1_000_000_000_000n + BigInt(++this.callbackCounter));
  }
}

export function normalizePhone(phone: string): string {
  return phone.replace(/[^0-9]/g, '');
}

/** The Bot API chat id of a basic group (`-id`) or of a channel or supergroup (`-100id`). */
export function botApiChatId(kind: 'chat' | 'channel', id: number): number {
  return kind === 'chat' ? -id : -CHANNEL_ID_OFFSET - id;
}
