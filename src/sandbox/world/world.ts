// The sandbox world: one model behind the MTProto data centre and the Bot API server.
// This file holds the peers, their indexes and the clock. The driver (users acting), the update
// queues and the message log live beside it and mutate the same object.

import { DEFAULT_LIMITS, type WorldBotData, type WorldBotRelation, type WorldChannelData, type WorldChatData, type WorldData, type WorldLimits, type WorldUserData } from './types.js';

export type WorldPeer =
  | { type: 'user'; user: WorldUserData; bot?: WorldBotData }
  | { type: 'chat'; chat: WorldChatData }
  | { type: 'channel'; channel: WorldChannelData };

export class World {
  readonly apiId: number;
  readonly apiHash: string;
  readonly limits: WorldLimits;
  /** Users and bots by id (bots are users with a token). */
  readonly users = new Map<number, WorldUserData>();
  readonly bots = new Map<number, WorldBotData>();
  readonly chats = new Map<number, WorldChatData>();
  readonly channels = new Map<number, WorldChannelData>();
  readonly relations: WorldBotRelation[];
  private readonly byUsername = new Map<string, WorldPeer>();
  private readonly botsByToken = new Map<string, WorldBotData>();
  private readonly byPhone = new Map<string, WorldUserData>();
  /** Milliseconds added to the real clock (tests move time forward without sleeping). */
  private clockOffsetMs = 0;

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
    for (const c of data.chats) this.chats.set(c.id, c);
    for (const c of data.channels) {
      this.channels.set(c.id, c);
      this.indexUsernames(c.usernames, { type: 'channel', channel: c });
    }
    this.relations = data.relations.map((r) => ({ ...r }));
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
    return this.relations.find((r) => r.user === userId && r.bot === botId);
  }

  /** Milliseconds since the epoch on the world's clock. */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Unix seconds on the world's clock. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Moves the world's clock forward (or back, with a negative value). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }
}

export function normalizePhone(phone: string): string {
  return phone.replace(/[^0-9]/g, '');
}
