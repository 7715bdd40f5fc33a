// The world's driver: users acting, as tests and `tgsh --sandbox` make them. Each action changes the
// world (relations, members, messages) and queues the updates Telegram would send each bot, in Bot
// API shapes. Mistakes (an unknown user, a non-member writing in a group) throw plain Errors.

import type {
  BotApiCallbackQuery,
  BotApiChatMemberStatus,
  BotApiMessage,
  BotApiMessageEntity,
} from './botapi-types.js';
import { detectEntities } from './text-entities.js';
import type { WorldBotData, WorldUserData } from './types.js';
import type { ChatRef, UserRef, WorldChat, WorldCore } from './core.js';
import type { AccountMessage, AccountPeer, UserAccounts } from './accounts.js';

/** The world as the driver moves it: its state and the users' own message boxes. */
export type DrivenWorld = WorldCore & { readonly accounts: UserAccounts };

export interface PrivateMessageOptions {
  /** The bot written to (default: the world's first bot). */
  bot?: UserRef;
  /** message_id in the same chat this message replies to. */
  replyTo?: number;
  /** Entities of the text (default: the ones Telegram detects, such as bot commands). */
  entities?: BotApiMessageEntity[];
}

export interface ChatMessageOptions {
  replyTo?: number;
  entities?: BotApiMessageEntity[];
}

export interface MessageTarget {
  /** The chat (Bot API id or @username); absent: the private chat of the acting user with `bot`. */
  chat?: ChatRef;
  /** For private chats: which bot (default: the world's first bot). */
  bot?: UserRef;
  message_id: number;
}

const START_PAYLOAD = /^[A-Za-z0-9_-]{0,64}$/;

export class WorldDriver {
  constructor(private readonly world: DrivenWorld) {}

  // ---- private chats with a bot -------------------------------------------------------------

  /** A user sends the bot a private message; the bot gets a `message` update. */
  sendPrivate(user: UserRef, text: string, opts: PrivateMessageOptions = {}): BotApiMessage {
    const w = this.world;
    const u = this.human(user);
    const b = w.bot(opts.bot);
    if (w.relation(u.id, b.id)?.blocked_at !== undefined) {
      throw new Error(`user ${u.id} has blocked bot ${b.id}: unblock (or start) it first`);
    }
    const c: WorldChat = { type: 'private', id: u.id, user: u };
    const reply = opts.replyTo === undefined ? undefined : this.replyTarget(b.id, c, opts.replyTo);
    const entities = opts.entities ?? detectEntities(text);
    const msg = w.addMessage(b.id, c, {
      from: w.botApiUser(u),
      text,
      ...(entities.length ? { entities } : {}),
      ...(reply ? { reply_to_message: reply } : {}),
    });
    w.pushUpdate(b.id, 'message', msg);
    // The user's own account keeps what it wrote (its MTProto sessions see it as outgoing).
    w.accounts.userToBot(u.id, b.id, { text, entities, date: msg.date });
    return msg;
  }

  // ---- private chats between users (MTProto user accounts) ----------------------------------

  /**
   * A user writes privately to another user (or to a bot: then as sendPrivate). Both accounts
   * store it under their own message ids; the recipient's logged-in MTProto sessions get it
   * pushed. Telegram's refusals (blocks, privacy, PEER_FLOOD ...) throw an Error naming them.
   * Returns the recipient's copy.
   */
  sendToUser(from: UserRef, to: UserRef, text: string, opts: { replyTo?: number; entities?: BotApiMessageEntity[]; silent?: boolean } = {}): AccountMessage {
    const w = this.world;
    const u = this.human(from);
    const target = w.user(to);
    if (w.isBot(target.id)) {
      this.sendPrivate(u.id, text, { bot: target.id, entities: opts.entities });
      const box = w.accounts.account(u.id).history({ type: 'user', id: target.id });
      return box[box.length - 1];
    }
    if (text.length === 0) throw new Error('a message needs text');
    const peer: AccountPeer = { type: 'user', id: target.id };
    const why = w.accounts.refusal(u.id, peer);
    if (why) throw new Error(`user ${u.id} cannot write to user ${target.id}: ${why}`);
    const entities = opts.entities ?? detectEntities(text);
    const mine = w.accounts.send(u.id, peer, { text, entities, silent: opts.silent, replyTo: opts.replyTo });
    const theirs = w.accounts.account(target.id).history({ type: 'user', id: u.id }).filter((m) => m.origin === mine.origin);
    return theirs[0] ?? mine;
  }

  /**
   * What `from` (a logged-in user account) sent to a user, bot or basic group, oldest first:
   * `sandbox inbox @user` as the logged-in user's messages show there.
   */
  userInbox(peer: ChatRef, from: UserRef): AccountMessage[] {
    const w = this.world;
    const sender = w.user(from);
    const c = w.chat(peer);
    if (c.type !== 'private' && c.type !== 'group') return [];
    const p: AccountPeer = c.type === 'private' ? { type: 'user', id: c.user.id } : { type: 'chat', id: c.chat.id };
    return w.accounts.account(sender.id).history(p).filter((m) => m.out);
  }

  /**
   * A logged-in user account posted in a basic group (its boxes are already written): the bots
   * of the group get it as the Bot API shows group messages.
   */
  groupPostByAccount(userId: number, chatId: number, text: string, entities: BotApiMessageEntity[]): void {
    const w = this.world;
    const c = this.groupChat(-chatId);
    const msg = w.addMessage(0, c, { from: w.botApiUser(w.user(userId)), text: text === '' ? undefined : text, ...(entities.length ? { entities } : {}) });
    this.deliver(c, msg, 'message', userId);
  }

  /**
   * A logged-in user account posted in a supergroup (the message is already in the chat's box):
   * its bots get it as privacy mode allows, as any member's message.
   */
  postedByAccount(chat: ChatRef, msg: BotApiMessage, userId: number): void {
    const c = this.groupChat(chat);
    this.deliver(c, msg, c.type === 'channel' ? 'channel_post' : 'message', userId);
  }

  /**
   * The user presses Start (or opens t.me/<bot>?start=<payload>): records started_at and the
   * payload, unblocks the bot when it was blocked (Telegram's "Restart"), and sends `/start [payload]`.
   */
  start(user: UserRef, opts: { bot?: UserRef; payload?: string } = {}): BotApiMessage {
    const w = this.world;
    const u = this.human(user);
    const b = w.bot(opts.bot);
    const payload = opts.payload ?? '';
    if (!START_PAYLOAD.test(payload)) {
      throw new Error('a start payload is up to 64 characters of A-Z a-z 0-9 _ -');
    }
    const r = w.ensureRelation(u.id, b.id);
    if (r.blocked_at !== undefined) this.unblock(u.id, { bot: b.id });
    r.started_at = w.now();
    if (payload) r.start_payload = payload;
    else delete r.start_payload;
    return this.sendPrivate(u.id, payload ? `/start ${payload}` : '/start', { bot: b.id });
  }

  /** The user sends `/stop` (a request to stop messages; the relation stays started). */
  stop(user: UserRef, opts: { bot?: UserRef } = {}): BotApiMessage {
    return this.sendPrivate(user, '/stop', { bot: opts.bot });
  }

  /** The user blocks the bot: records blocked_at; the bot gets my_chat_member member -> kicked. */
  block(user: UserRef, opts: { bot?: UserRef } = {}): void {
    const w = this.world;
    const u = this.human(user);
    const b = w.bot(opts.bot);
    const r = w.ensureRelation(u.id, b.id);
    if (r.blocked_at !== undefined) return;
    r.blocked_at = w.now();
    this.privateMemberChange(u, b, 'member', 'kicked');
  }

  /** The user unblocks the bot: the bot gets my_chat_member kicked -> member. */
  unblock(user: UserRef, opts: { bot?: UserRef } = {}): void {
    const w = this.world;
    const u = this.human(user);
    const b = w.bot(opts.bot);
    const r = w.relation(u.id, b.id);
    if (r?.blocked_at === undefined) return;
    delete r.blocked_at;
    this.privateMemberChange(u, b, 'kicked', 'member');
  }

  private privateMemberChange(u: WorldUserData, b: WorldBotData, from: BotApiChatMemberStatus, to: BotApiChatMemberStatus): void {
    const w = this.world;
    const c: WorldChat = { type: 'private', id: u.id, user: u };
    const botUser = w.botApiUser(b);
    w.pushUpdate(b.id, 'my_chat_member', {
      chat: w.botApiChat(c),
      from: w.botApiUser(u),
      date: w.now(),
      old_chat_member: to === 'kicked' ? { user: botUser, status: from } : { user: botUser, status: from, until_date: 0 },
      new_chat_member: to === 'kicked' ? { user: botUser, status: to, until_date: 0 } : { user: botUser, status: to },
    });
  }

  // ---- groups, supergroups, channels --------------------------------------------------------

  /**
   * A member writes in a group or supergroup (or an admin posts in a channel). Bots in the chat get
   * it as Telegram's privacy mode allows: admins and bots with can_read_all_group_messages get
   * every message, others only commands, mentions of them and replies to them.
   */
  sendToChat(user: UserRef, chat: ChatRef, text: string, opts: ChatMessageOptions = {}): BotApiMessage {
    const w = this.world;
    const u = w.user(user);
    const c = this.groupChat(chat);
    if (!w.isMember(c, u.id)) throw new Error(`user ${u.id} is not a member of chat ${c.id}`);
    if (c.type === 'channel' && !w.isAdmin(c, u.id)) throw new Error(`only admins post in channel ${c.id}`);
    const reply = opts.replyTo === undefined ? undefined : this.replyTarget(0, c, opts.replyTo);
    const entities = opts.entities ?? detectEntities(text);
    const base = c.type === 'channel' ? { sender_chat: w.botApiChat(c) } : { from: w.botApiUser(u) };
    const msg = w.addMessage(0, c, {
      ...base,
      text,
      ...(entities.length ? { entities } : {}),
      ...(reply ? { reply_to_message: reply } : {}),
    });
    this.deliver(c, msg, c.type === 'channel' ? 'channel_post' : 'message', u.id);
    if (c.type === 'group') w.accounts.intoGroup(c.chat.id, u.id, { text, entities, date: msg.date }, { includeSender: true });
    return msg;
  }

  /**
   * A user (or bot) joins a chat, or is added by `by`. Groups and supergroups show
   * `message.new_chat_members`; the bot itself gets my_chat_member; admin bots get chat_member.
   */
  join(user: UserRef, chat: ChatRef, opts: { by?: UserRef } = {}): void {
    const w = this.world;
    const u = w.user(user);
    const c = this.groupChat(chat);
    if (w.isMember(c, u.id)) throw new Error(`user ${u.id} is already a member of chat ${c.id}`);
    const actor = opts.by === undefined ? u : w.user(opts.by);
    this.changeStatus(c, u, actor, 'member');
    if (c.type !== 'channel') {
      const msg = w.addMessage(0, c, { from: w.botApiUser(actor), new_chat_members: [w.botApiUser(u)] });
      this.deliver(c, msg, 'message', undefined, true);
    }
  }

  /** A member leaves a chat by itself: `message.left_chat_member`, my_chat_member / chat_member (left). */
  leave(user: UserRef, chat: ChatRef): void {
    this.remove(user, chat, undefined);
  }

  /** An admin (default: the creator) removes a member: status kicked, and the same updates as leave. */
  kick(user: UserRef, chat: ChatRef, opts: { by?: UserRef } = {}): void {
    const c = this.groupChat(chat);
    const r = c.type === 'group' ? c.chat : c.type === 'private' ? undefined : c.channel;
    const by = opts.by ?? r?.creator ?? r?.admins?.[0];
    if (by === undefined) throw new Error(`chat ${c.id} has no admin to kick with; pass { by }`);
    this.remove(user, chat, by);
  }

  private remove(user: UserRef, chat: ChatRef, by: UserRef | undefined): void {
    const w = this.world;
    const u = w.user(user);
    const c = this.groupChat(chat);
    if (!w.isMember(c, u.id)) throw new Error(`user ${u.id} is not a member of chat ${c.id}`);
    const actor = by === undefined ? u : w.user(by);
    if (by !== undefined && !w.isAdmin(c, actor.id)) throw new Error(`user ${actor.id} is not an admin of chat ${c.id}`);
    this.changeStatus(c, u, actor, by === undefined || actor.id === u.id ? 'left' : 'kicked');
    if (c.type !== 'channel') {
      const msg = w.addMessage(0, c, { from: w.botApiUser(actor), left_chat_member: w.botApiUser(u) });
      this.deliver(c, msg, 'message', undefined, true);
    }
  }

  /** An admin (default: the creator) makes a member an administrator. */
  promote(user: UserRef, chat: ChatRef, opts: { by?: UserRef } = {}): void {
    this.setAdmin(user, chat, opts.by, 'administrator');
  }

  /** An admin (default: the creator) takes a member's admin rights away. */
  demote(user: UserRef, chat: ChatRef, opts: { by?: UserRef } = {}): void {
    this.setAdmin(user, chat, opts.by, 'member');
  }

  private setAdmin(user: UserRef, chat: ChatRef, by: UserRef | undefined, to: 'administrator' | 'member'): void {
    const w = this.world;
    const u = w.user(user);
    const c = this.groupChat(chat);
    if (!w.isMember(c, u.id)) throw new Error(`user ${u.id} is not a member of chat ${c.id}`);
    const r = c.type === 'group' ? c.chat : c.type === 'private' ? undefined : c.channel;
    const actor = w.user(by ?? r?.creator ?? u.id);
    if (w.memberStatus(c, u.id) === 'creator') throw new Error(`user ${u.id} is the creator of chat ${c.id}`);
    this.changeStatus(c, u, actor, to);
  }

  /** Sets a status and sends my_chat_member to the subject bot and chat_member to admin bots. */
  private changeStatus(c: WorldChat, u: WorldUserData, actor: WorldUserData, to: BotApiChatMemberStatus): void {
    const w = this.world;
    const before = w.memberStatus(c, u.id);
    const oldMember = w.chatMember(c, u.id, before);
    w.setMemberStatus(c, u.id, to);
    const newMember = w.chatMember(c, u.id);
    const upd = () => ({
      chat: w.botApiChat(c),
      from: w.botApiUser(actor),
      date: w.now(),
      old_chat_member: oldMember,
      new_chat_member: newMember,
    });
    if (w.isBot(u.id)) w.pushUpdate(u.id, 'my_chat_member', upd());
    for (const b of w.bots.values()) {
      if (b.id !== u.id && w.isAdmin(c, b.id)) w.pushUpdate(b.id, 'chat_member', upd());
    }
  }

  // ---- buttons and edits --------------------------------------------------------------------

  /**
   * A user presses an inline button (callback_data `data`) under a bot's message; the bot gets a
   * `callback_query`. Throws when the message has no such button.
   */
  pressButton(user: UserRef, target: MessageTarget, data: string): BotApiCallbackQuery {
    const w = this.world;
    const u = w.user(user);
    const c = target.chat === undefined ? ({ type: 'private', id: u.id, user: u } as WorldChat) : w.chat(target.chat);
    const boxBot = c.type === 'private' ? w.bot(target.bot).id : 0;
    const msg = w.findMessage(boxBot, c, target.message_id);
    const botId = msg ? w.senderBot(msg) : undefined;
    if (!msg || botId === undefined) throw new Error(`no bot message ${target.message_id} in chat ${c.id}`);
    const buttons = msg.reply_markup?.inline_keyboard?.flat() ?? [];
    if (!buttons.some((btn) => btn.callback_data === data)) {
      throw new Error(`message ${target.message_id} has no inline button with callback_data ${JSON.stringify(data)}`);
    }
    const q: BotApiCallbackQuery = {
      id: w.newCallbackQueryId(),
      from: w.botApiUser(u),
      message: msg,
      chat_instance: String((BigInt(c.id) * 7919n + BigInt(botId)) & 0x7fffffffffffffffn),
      data,
    };
    w.botState(botId).callbacks.set(q.id, { answered: false });
    w.pushUpdate(botId, 'callback_query', q);
    return q;
  }

  /** A user edits one of their messages; the bot(s) that got it get an `edited_message`. */
  editMessage(user: UserRef, target: MessageTarget, text: string, opts: { entities?: BotApiMessageEntity[] } = {}): BotApiMessage {
    const w = this.world;
    const u = w.user(user);
    const c = target.chat === undefined ? ({ type: 'private', id: u.id, user: u } as WorldChat) : w.chat(target.chat);
    const botId = c.type === 'private' ? w.bot(target.bot).id : 0;
    const msg = w.findMessage(botId, c, target.message_id);
    const author = msg?.from?.id ?? (msg?.sender_chat ? u.id : undefined);
    if (!msg || author !== u.id || msg.text === undefined) {
      throw new Error(`no text message ${target.message_id} of user ${u.id} in chat ${c.id}`);
    }
    msg.text = text;
    const entities = opts.entities ?? detectEntities(text);
    if (entities.length) msg.entities = entities;
    else delete msg.entities;
    msg.edit_date = w.now();
    const copy = { ...msg };
    if (c.type === 'private') w.pushUpdate(botId, 'edited_message', copy);
    else this.deliver(c, copy, c.type === 'channel' ? 'edited_channel_post' : 'edited_message', u.id);
    return copy;
  }

  // ---- bulk ---------------------------------------------------------------------------------

  /**
   * Adds n synthetic users (ids from idBase, usernames `${prefix}${i}`); with `startBot` each has
   * started that bot (relation only: no updates, use enqueueMessages for those).
   */
  addUsers(n: number, opts: { idBase?: number; prefix?: string; startBot?: UserRef } = {}): WorldUserData[] {
    const w = this.world;
    const base = opts.idBase ?? 900_000_000;
    const prefix = opts.prefix ?? 'sandbox_user_';
    const bot = opts.startBot === undefined ? undefined : w.bot(opts.startBot);
    const out: WorldUserData[] = [];
    const now = w.now();
    for (let i = 0; i < n; i++) {
      const id = base + i;
      const u: WorldUserData = {
        id,
        access_hash: String((BigInt(id) * 0x9e3779b97f4a7c15n) & 0x7fffffffffffffffn),
        first_name: `User ${i}`,
        usernames: [`${prefix}${i}`],
      };
      w.addUser(u);
      if (bot) w.ensureRelation(id, bot.id).started_at = now;
      out.push(u);
    }
    return out;
  }

  /**
   * Queues `count` private messages to a bot cheaply, cycling over `from` (user ids; default: every
   * user who started the bot and has not blocked it). Returns the number queued.
   */
  enqueueMessages(count: number, opts: { bot?: UserRef; from?: number[]; text?: string | ((i: number) => string) } = {}): number {
    const w = this.world;
    const b = w.bot(opts.bot);
    const from =
      opts.from ??
      w.relations.filter((r) => r.bot === b.id && r.started_at !== undefined && r.blocked_at === undefined).map((r) => r.user);
    if (from.length === 0) throw new Error(`nobody can write to bot ${b.id}: pass { from }`);
    const seen = w.botState(b.id).seen;
    const senders = from.map((id) => {
      const u = this.human(id);
      const c: WorldChat = { type: 'private', id, user: u };
      seen.add(id);
      return { c, api: w.botApiUser(u), chat: w.botApiChat(c) };
    });
    const text = opts.text ?? ((i: number) => `message ${i}`);
    const date = w.now();
    const msgs = new Array<BotApiMessage>(count);
    for (let i = 0; i < count; i++) {
      const s = senders[i % senders.length];
      msgs[i] = w.addMessage(b.id, s.c, { from: s.api, date, text: typeof text === 'string' ? text : text(i) }, { chat: s.chat });
    }
    return w.queueFor(b.id).pushMany('message', msgs);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private human(ref: UserRef): WorldUserData {
    const u = this.world.user(ref);
    if (this.world.isBot(u.id)) throw new Error(`user ${u.id} is a bot; bots do not act through the driver`);
    return u;
  }

  private groupChat(ref: ChatRef): WorldChat {
    const c = this.world.chat(ref);
    if (c.type === 'private') throw new Error(`chat ${ref} is a private chat, not a group or channel`);
    return c;
  }

  private replyTarget(botId: number, c: WorldChat, messageId: number): BotApiMessage {
    const m = this.world.findMessage(botId, c, messageId);
    if (!m) throw new Error(`no message ${messageId} in chat ${c.id} to reply to`);
    const { reply_to_message: _drop, ...flat } = m;
    return flat;
  }

  /** Whether a bot with privacy mode on gets a group message. */
  private addressedTo(msg: BotApiMessage, bot: WorldBotData): boolean {
    const name = bot.usernames?.[0]?.toLowerCase();
    const text = msg.text ?? msg.caption ?? '';
    for (const e of msg.entities ?? msg.caption_entities ?? []) {
      const piece = text.slice(e.offset, e.offset + e.length).toLowerCase();
      if (e.type === 'bot_command') {
        const at = piece.indexOf('@');
        if (at < 0 || piece.slice(at + 1) === name) return true;
      }
      if (e.type === 'mention' && piece === `@${name}`) return true;
      if (e.type === 'text_mention' && e.user?.id === bot.id) return true;
    }
    const r = msg.reply_to_message;
    return r !== undefined && r.from?.id === bot.id;
  }

  /** Queues a group or channel message for the bots in the chat, as privacy mode allows. */
  private deliver(
    c: WorldChat,
    msg: BotApiMessage,
    kind: 'message' | 'edited_message' | 'channel_post' | 'edited_channel_post',
    senderId: number | undefined,
    service = false,
  ): void {
    const w = this.world;
    for (const b of w.bots.values()) {
      if (b.id === senderId || !w.isMember(c, b.id)) continue;
      if (c.type === 'channel' && !w.isAdmin(c, b.id)) continue;
      if (service || c.type === 'channel' || w.isAdmin(c, b.id) || b.can_read_all_group_messages || this.addressedTo(msg, b)) {
        w.pushUpdate(b.id, kind, msg);
      }
    }
  }
}
