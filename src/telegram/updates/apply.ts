// What a batch of getUpdates teaches the store: every user and chat seen (authors, chats, new and
// left members, callback and inline queries, member changes), the consent ledger (`/start
// [payload]` -> started, `/stop` -> stopped, blocked in a private chat -> blocked, writing or
// unblocking again -> started) and the bot's membership in groups and channels. Changes only the
// store's memory: the poller flushes, then confirms the offset.
//
// Updates come from another program's users: every field is checked before use, and an update of a
// kind tgsh does not know is mined for `from`/`chat` and otherwise ignored (never a crash).

import { peerClassOf, type ConsentState, type MembershipStatus, type PeerRecord } from '../../peers/types.js';
import type { PeerInput, PeerStore } from '../../store/peer-store.js';
import { peerInputOfChat, peerInputOfUser, type ChatLike, type UserLike } from '../botapi/peer-input.js';
import { isObject } from '../../core/json.js';

/** A message-like update the shell may show (message, edited_message, channel_post...). */
export interface IncomingMessage {
  updateId: number;
  kind: string;
  message: MessageLike;
}

export interface MessageLike {
  message_id: number;
  date: number;
  chat: ChatLike;
  from?: UserLike;
  sender_chat?: ChatLike;
  text?: string;
  caption?: string;
  new_chat_members?: UserLike[];
  left_chat_member?: UserLike;
  [field: string]: unknown;
}

export interface ConsentChange {
  peer: PeerRecord;
  from?: ConsentState;
  to: ConsentState;
  payload?: string;
  /** When it happened (ms; the update's date). */
  at: number;
}

export interface ApplyResult {
  updates: number;
  /** Peers the store did not hold before. */
  newPeers: number;
  consentChanges: ConsentChange[];
  membershipChanges: Array<{ peer: PeerRecord; to: MembershipStatus }>;
  messages: IncomingMessage[];
}

export function emptyApplyResult(): ApplyResult {
  return { updates: 0, newPeers: 0, consentChanges: [], membershipChanges: [], messages: [] };
}

const MESSAGE_KINDS = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_message', 'edited_business_message'];
const MEMBERSHIP = new Set<string>(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']);

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v !== 0;

function asUser(v: unknown): UserLike | undefined {
  if (!isObject(v) || !isId(v.id) || (v.id) <= 0 || typeof v.first_name !== 'string') return undefined;
  return {
    id: v.id,
    is_bot: v.is_bot === true,
    first_name: v.first_name,
    last_name: typeof v.last_name === 'string' ? v.last_name : undefined,
    username: typeof v.username === 'string' ? v.username : undefined,
  };
}

function asChat(v: unknown): ChatLike | undefined {
  if (!isObject(v) || !isId(v.id) || typeof v.type !== 'string') return undefined;
  return {
    id: v.id,
    type: v.type,
    title: typeof v.title === 'string' ? v.title : undefined,
    username: typeof v.username === 'string' ? v.username : undefined,
    first_name: typeof v.first_name === 'string' ? v.first_name : undefined,
    last_name: typeof v.last_name === 'string' ? v.last_name : undefined,
  };
}

function asMessage(v: unknown): MessageLike | undefined {
  if (!isObject(v) || typeof v.message_id !== 'number') return undefined;
  const chat = asChat(v.chat);
  if (!chat) return undefined;
  return v as unknown as MessageLike;
}

/** Applies one batch, in order. */
export class UpdateApplier {
  readonly result: ApplyResult = emptyApplyResult();

  constructor(
    private readonly store: PeerStore,
    /** Keep message updates in `result.messages` (the live shell shows them). */
    private readonly collectMessages = false,
  ) {}

  apply(updates: readonly unknown[]): void {
    for (const u of updates) {
      if (!isObject(u)) continue;
      this.result.updates++;
      try {
        this.one(u);
      } catch {
        // One odd update must not stop the others (the store refuses what it can not keep).
      }
    }
  }

  private one(u: Record<string, unknown>): void {
    for (const kind of MESSAGE_KINDS) {
      const m = asMessage(u[kind]);
      if (!m) continue;
      this.message(m, kind);
      if (this.collectMessages) this.result.messages.push({ updateId: typeof u.update_id === 'number' ? u.update_id : 0, kind, message: m });
      return;
    }
    if (isObject(u.callback_query)) {
      const q = u.callback_query;
      this.user(asUser(q.from), Date.now(), true);
      const m = asMessage(q.message);
      if (m) this.chat(m.chat, m.date * 1000);
      return;
    }
    if (isObject(u.my_chat_member)) return this.myChatMember(u.my_chat_member);
    if (isObject(u.chat_member)) {
      const c = u.chat_member;
      const at = typeof c.date === 'number' ? c.date * 1000 : Date.now();
      this.chat(asChat(c.chat), at);
      this.user(asUser(c.from), at);
      if (isObject(c.new_chat_member)) this.user(asUser(c.new_chat_member.user), at);
      return;
    }
    // inline_query, chosen_inline_result, poll_answer, message_reaction, chat_join_request, ...
    for (const key of Object.keys(u)) {
      const v = u[key];
      if (!isObject(v)) continue;
      const at = typeof v.date === 'number' ? v.date * 1000 : Date.now();
      this.user(asUser(v.from) ?? asUser(v.user), at, key === 'inline_query' || key === 'chosen_inline_result');
      this.chat(asChat(v.chat), at);
    }
  }

  private message(m: MessageLike, kind: string): void {
    const at = m.date * 1000;
    const priv = m.chat.type === 'private';
    const from = asUser(m.from);
    const text = typeof m.text === 'string' ? m.text : '';
    const interaction = priv || text.startsWith('/');
    const author = this.user(from, at, interaction);
    if (!priv) this.chat(m.chat, at);
    const senderChat = asChat(m.sender_chat);
    if (senderChat && senderChat.id !== m.chat.id) this.chat(senderChat, at);
    if (Array.isArray(m.new_chat_members)) for (const x of m.new_chat_members) this.user(asUser(x), at);
    this.user(asUser(m.left_chat_member), at);
    if (isObject(m.reply_to_message)) this.user(asUser(m.reply_to_message.from), at);
    if (!priv || !author || author.kind !== 'user' || kind !== 'message') return;
    const cmd = /^\/(start|stop)(?:@[A-Za-z0-9_]+)?(?:\s+(\S+))?\s*$/.exec(text);
    if (cmd?.[1] === 'start') {
      const payload = cmd[2] !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(cmd[2]) ? cmd[2] : undefined;
      this.consent(author, 'started', at, payload);
    } else if (cmd?.[1] === 'stop') this.consent(author, 'stopped', at);
    else {
      // Writing to the bot proves it can write back; a /stop stays until /start.
      const s = this.store.consentOf(author)?.state;
      if (s === undefined || s === 'unknown' || s === 'blocked') this.consent(author, 'started', at);
    }
  }

  private myChatMember(c: Record<string, unknown>): void {
    const at = typeof c.date === 'number' ? c.date * 1000 : Date.now();
    const chat = asChat(c.chat);
    const status = isObject(c.new_chat_member) ? c.new_chat_member.status : undefined;
    const by = this.user(asUser(c.from), at, chat?.type === 'private');
    if (!chat || typeof status !== 'string' || !MEMBERSHIP.has(status)) return;
    if (chat.type === 'private') {
      const who = by && by.id === chat.id ? by : this.chat(chat, at);
      if (!who || who.kind !== 'user') return;
      if (status === 'kicked') this.consent(who, 'blocked', at);
      else if (status === 'member' && this.store.consentOf(who)?.state === 'blocked') this.consent(who, 'started', at);
      return;
    }
    const rec = this.chat(chat, at);
    if (!rec) return;
    const cur = this.store.membershipOf(rec);
    if (cur?.status !== status && Math.floor((cur?.at ?? 0) / 1000) <= Math.floor(at / 1000)) {
      this.store.setMembership(rec, status as MembershipStatus, at);
      this.result.membershipChanges.push({ peer: rec, to: status as MembershipStatus });
    }
  }

  /** A consent event, unless the ledger already holds a newer one. */
  private consent(rec: PeerRecord, to: ConsentState, at: number, payload?: string): void {
    const cur = this.store.consentOf(rec);
    // Update dates have whole seconds: an event of the same second as the ledger's entry is newer.
    if (cur && Math.floor(cur.at / 1000) > Math.floor(at / 1000)) return;
    if (cur?.state === to && cur.payload === payload) return;
    const from = cur?.state;
    this.store.setConsent(rec, to, { at, payload });
    if (from !== to) this.result.consentChanges.push({ peer: rec, from, to, payload, at });
  }

  private user(u: UserLike | undefined, at: number, interaction = false): PeerRecord | undefined {
    return u ? this.upsert(peerInputOfUser(u, at, interaction)) : undefined;
  }

  private chat(c: ChatLike | undefined, at: number): PeerRecord | undefined {
    if (!c) return undefined;
    const input = peerInputOfChat(c, at);
    if (!input) return undefined;
    if (input.kind === 'user') {
      // A Chat does not say whether a private chat's user is a bot: keep what the store knows.
      const known = this.store.get('user', input.id);
      if (known) input.kind = known.kind;
    }
    return this.upsert(input);
  }

  private upsert(input: PeerInput): PeerRecord {
    const cls = peerClassOf(input.kind);
    if (!this.store.get(cls, input.id)) this.result.newPeers++;
    return this.store.upsert(input, 'updates');
  }
}
