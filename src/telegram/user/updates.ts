// Live messages of a user account: the MTProto updates pushed on the link, checked against the
// account's pts so that none is shown twice or lost. A gap (pts jumps), an update naming a user the
// store has not met, a reconnection or updatesTooLong: updates.getDifference from the last pts
// fills it in, page after page. The account's own sends (their answers carry pts too) move the pts
// without being shown again. Supergroups and channels have their own pts each, tracked from their
// first update on: a gap there, or a reconnection, is filled by updates.getChannelDifference.

import { Raw } from 'telegram/events/index.js';
import { UpdateConnectionState } from 'telegram/network/index.js';
import type { MessageEvent } from '../updates/hub.js';
import { Api, type MtprotoClient } from '../mtproto/index.js';
import type { MtprotoLink } from '../mtproto/link.js';
import { tlId, type TlObject } from '../resolver/tl-peers.js';
import { inputChannelOf, type Notice, type UserAccount } from './account.js';
import { chatMessageOf, learnPeers, peerOfTl, storedPeer } from './convert.js';
import { tapAnswers } from './send.js';
import type { ChatMessage } from './types.js';

interface State {
  pts: number;
  qts: number;
  date: number;
}

/** How many shown messages are remembered (to show none twice). */
const SEEN_MAX = 5000;
/** After a lost connection, getDifference is tried again after 1, 2, 4 ... s (at most this). */
const RETRY_MAX_MS = 30_000;

export interface LiveOptions {
  publish: (e: MessageEvent) => void;
  notice: Notice;
}

export function messageEvent(m: ChatMessage): MessageEvent {
  const view = m.edited ? { ...m.view, text: `[edited] ${m.view.text}` } : m.view;
  return { event: 'message', view, from: m.from, to: m.to, service: m.service, edited: m.edited, text: m.text };
}

export class UserUpdates {
  private state: State | undefined;
  private readonly seen = new Set<string>();
  private readonly attached = new WeakSet<MtprotoClient>();
  /** Every update is handled in arrival order, one at a time. */
  private queue: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 1000;
  private stopped = false;
  private offline = false;
  private stopClient: (() => void) | undefined;
  /** Each supergroup's or channel's pts, from its first update on (by channel id). */
  private readonly channels = new Map<number, number>();

  constructor(
    private readonly account: UserAccount,
    private readonly o: LiveOptions,
  ) {}

  /** getState, then every client of the link is listened to. */
  async start(): Promise<void> {
    const link = await this.account.link('live messages');
    const s = await this.account.call('live messages', new Api.updates.GetState(), { notice: this.o.notice });
    this.state = { pts: s.pts, qts: s.qts, date: s.date };
    tapAnswers(this.account, (a) => this.enqueue(() => this.own(a as TlObject)));
    this.stopClient = link.onClient((c) => this.attach(c, link));
  }

  stop(): void {
    this.stopped = true;
    this.stopClient?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Where the tracker is (for tests and `stats`). */
  get pts(): number | undefined {
    return this.state?.pts;
  }

  private attach(c: MtprotoClient, link: MtprotoLink): void {
    if (this.attached.has(c)) return;
    this.attached.add(c);
    c.addEventHandler((u: unknown) => {
      if (this.stopped) return;
      if (u instanceof UpdateConnectionState) {
        if (u.state === UpdateConnectionState.connected) this.catchUpSoon(0);
        else this.catchUpSoon(this.retryMs);
        return;
      }
      this.enqueue(() => this.update(u as TlObject & { _entities?: Map<unknown, unknown> }));
    }, new Raw({}));
    // A new connection (the link opened it again): what came meanwhile.
    if (link.loggedInAs === 'user') this.catchUpSoon(0);
  }

  private enqueue(job: () => Promise<void> | void): void {
    this.queue = this.queue.then(job).catch((e: unknown) => {
      this.o.notice(`tgsh: live messages: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  private catchUpSoon(ms: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.enqueue(() => this.catchUp());
    }, ms);
    this.retryTimer.unref();
  }

  // ---------------------------------------------------------------- pts

  /**
   * Applies an update that moves the pts: `run` when it is the next one, nothing when it is old (a
   * duplicate), getDifference when some are missing.
   */
  private async byPts(pts: number, count: number, run: () => boolean | Promise<boolean>): Promise<void> {
    const s = this.state;
    if (!s) return;
    if (pts <= s.pts) return; // already applied
    if (pts - count > s.pts) return this.catchUp(); // a gap: getDifference brings this one too
    // false: the update needs what only getDifference brings (a user the store has not met).
    if (!(await run())) return this.catchUp();
    s.pts = pts;
  }

  private async update(u: TlObject & { _entities?: Map<unknown, unknown> }): Promise<void> {
    if (u._entities?.size) learnPeers(this.account.store, { users: [...u._entities.values()].filter((x) => (x as TlObject).className === 'User'), chats: [...u._entities.values()].filter((x) => (x as TlObject).className !== 'User') });
    switch (u.className) {
      case 'UpdateShortMessage':
      case 'UpdateShortChatMessage':
        return this.byPts(u.pts as number, u.ptsCount as number, () => this.short(u));
      case 'UpdateNewMessage':
      case 'UpdateEditMessage':
        return this.byPts(u.pts as number, u.ptsCount as number, () => this.show(u.message as TlObject, u.className === 'UpdateEditMessage'));
      case 'UpdateDeleteMessages':
      case 'UpdateReadHistoryInbox':
      case 'UpdateReadHistoryOutbox':
      case 'UpdateReadMessagesContents':
      case 'UpdateWebPage':
        return this.byPts(u.pts as number, u.ptsCount as number, () => true);
      case 'UpdateNewChannelMessage':
      case 'UpdateEditChannelMessage': {
        const where = peerOfTl((u.message as TlObject | undefined)?.peerId as TlObject);
        const show = (): boolean => this.show(u.message as TlObject, u.className === 'UpdateEditChannelMessage');
        if (where?.cls !== 'channel') return void show();
        return this.byChannelPts(where.id, u.pts as number, u.ptsCount as number, show);
      }
      case 'UpdateDeleteChannelMessages':
        return this.byChannelPts(tlId(u.channelId as never), u.pts as number, u.ptsCount as number, () => true);
      case 'UpdatesTooLong':
        return this.catchUp();
    }
  }

  /** byPts for a channel's own pts: its first update starts the count; a gap is getChannelDifference's. */
  private async byChannelPts(channel: number, pts: number, count: number, run: () => boolean): Promise<void> {
    if (typeof pts !== 'number') return void run();
    const known = this.channels.get(channel);
    if (known !== undefined && pts <= known) return;
    if (known !== undefined && pts - count > known) return this.channelCatchUp(channel);
    run();
    this.channels.set(channel, pts);
  }

  /** updates.getChannelDifference from the channel's last pts: what it missed, each shown once. */
  private async channelCatchUp(channel: number): Promise<void> {
    const input = inputChannelOf(storedPeer(this.account.store, 'channel', channel));
    for (;;) {
      const pts = this.channels.get(channel);
      if (pts === undefined) return;
      const d = (await this.account.call(
        'live messages (updates.getChannelDifference)',
        new Api.updates.GetChannelDifference({ channel: input, filter: new Api.ChannelMessagesFilterEmpty(), pts, limit: 100 }),
        { notice: this.o.notice },
      )) as unknown as TlObject;
      if (d.className === 'updates.ChannelDifferenceEmpty') {
        this.channels.set(channel, d.pts as number);
        return;
      }
      learnPeers(this.account.store, d as { users?: unknown[]; chats?: unknown[] });
      if (d.className === 'updates.ChannelDifferenceTooLong') {
        this.o.notice('tgsh: too many updates of a channel were missed; older messages are in history');
        this.channels.set(channel, ((d.dialog as TlObject | undefined)?.pts as number | undefined) ?? pts);
        for (const m of (d.messages ?? []) as TlObject[]) this.show(m, false);
        return;
      }
      for (const m of (d.newMessages ?? []) as TlObject[]) this.show(m, false);
      for (const u of (d.otherUpdates ?? []) as TlObject[]) if (u.className === 'UpdateEditChannelMessage') this.show(u.message as TlObject, true);
      this.channels.set(channel, d.pts as number);
      if (d.final === true) return;
    }
  }

  /** After a reconnection: every channel tracked is caught up; one that fails (left, banned) is no longer tracked. */
  private async channelsCatchUp(): Promise<void> {
    for (const channel of [...this.channels.keys()]) {
      try {
        await this.channelCatchUp(channel);
      } catch (e) {
        this.channels.delete(channel);
        this.o.notice(`tgsh: live messages of channel ${channel}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** updateShortMessage / updateShortChatMessage as the Message they stand for. */
  private short(u: TlObject): boolean {
    const store = this.account.store;
    const other = tlId(u.userId as never);
    const from = tlId(u.fromId as never);
    if (u.className === 'UpdateShortMessage' ? !store.get('user', other) : !store.get('user', from) || !store.get('chat', tlId(u.chatId as never))) return false;
    const self = this.self();
    const m: TlObject =
      u.className === 'UpdateShortMessage'
        ? { ...u, className: 'Message', peerId: { className: 'PeerUser', userId: other }, fromId: { className: 'PeerUser', userId: u.out ? self : other } }
        : { ...u, className: 'Message', peerId: { className: 'PeerChat', chatId: u.chatId }, fromId: { className: 'PeerUser', userId: from } };
    return this.show(m, false);
  }

  private self(): number {
    return this.account.selfId ?? 0;
  }

  /** Publishes a message once (an edit once per edit). Always true: the pts may move on. */
  private show(m: TlObject, edit: boolean): boolean {
    const self = this.account.selfRecord();
    if (!self) return true;
    const c = chatMessageOf(this.account.store, self, m, edit ? Number.MAX_SAFE_INTEGER : m.out ? Number.MAX_SAFE_INTEGER : 0);
    if (!c) return true;
    const key = `${c.chat.kind}:${c.chat.id}:${c.id}:${edit ? String(m.editDate) : ''}`;
    if (this.seen.has(key)) return true;
    this.remember(key);
    this.o.publish(messageEvent({ ...c, edited: c.edited || edit }));
    return true;
  }

  private remember(key: string): void {
    this.seen.add(key);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
  }

  /** An answer to the account's own call: its pts moves on, its messages are not shown. */
  private own(a: TlObject): void {
    const s = this.state;
    if (!s) return;
    const mark = (m: TlObject | undefined, edit = false): void => {
      const self = this.account.selfRecord();
      const c = m && self ? chatMessageOf(this.account.store, self, m, 0) : undefined;
      if (c) this.remember(`${c.chat.kind}:${c.chat.id}:${c.id}:${edit ? String(m!.editDate) : ''}`);
    };
    const step = (pts: unknown, count: unknown): void => {
      // Only the next pts: after a gap, getDifference brings the rest (and this one, marked seen).
      if (typeof pts === 'number' && typeof count === 'number' && pts - count === s.pts) s.pts = pts;
      else if (typeof pts === 'number' && pts > s.pts) this.catchUpSoon(0);
    };
    if (a.className === 'UpdateShortSentMessage' || a.className === 'messages.AffectedMessages') return step(a.pts, a.ptsCount);
    const updates = (Array.isArray(a.updates) ? a.updates : a.update ? [a.update] : []) as TlObject[];
    for (const u of updates) {
      if (u.className === 'UpdateNewChannelMessage' || u.className === 'UpdateEditChannelMessage') {
        // A tracked channel's pts moves on by the account's own post or edit (a gap: the next update fills it).
        const where = peerOfTl((u.message as TlObject | undefined)?.peerId as TlObject);
        const known = where ? this.channels.get(where.id) : undefined;
        if (where && known !== undefined && typeof u.pts === 'number' && u.pts - (u.ptsCount as number) === known) this.channels.set(where.id, u.pts);
      }
      if (u.className === 'UpdateNewMessage' || u.className === 'UpdateNewChannelMessage') mark(u.message as TlObject);
      if (u.className === 'UpdateEditMessage' || u.className === 'UpdateEditChannelMessage') mark(u.message as TlObject, true);
      if (typeof u.pts === 'number' && typeof u.ptsCount === 'number' && !String(u.className).includes('Channel')) step(u.pts, u.ptsCount);
    }
  }

  // ---------------------------------------------------------------- getDifference

  private async catchUp(): Promise<void> {
    if (this.stopped || !this.state) return;
    try {
      for (;;) {
        const s = this.state;
        const d = (await this.account.call('live messages (updates.getDifference)', new Api.updates.GetDifference({ pts: s.pts, date: s.date, qts: s.qts }), { notice: this.o.notice })) as unknown as TlObject;
        if (d.className === 'updates.DifferenceEmpty') {
          s.date = d.date as number;
          break;
        }
        if (d.className === 'updates.DifferenceTooLong') {
          this.o.notice('tgsh: too many updates were missed while disconnected; older messages are in history');
          s.pts = d.pts as number;
          continue;
        }
        learnPeers(this.account.store, d as { users?: unknown[]; chats?: unknown[] });
        for (const m of (d.newMessages ?? []) as TlObject[]) this.show(m, false);
        for (const u of (d.otherUpdates ?? []) as TlObject[]) {
          if (u.className === 'UpdateEditMessage' || u.className === 'UpdateNewChannelMessage' || u.className === 'UpdateEditChannelMessage') this.show(u.message as TlObject, u.className !== 'UpdateNewChannelMessage');
        }
        const next = (d.className === 'updates.DifferenceSlice' ? d.intermediateState : d.state) as TlObject;
        this.state = { pts: next.pts as number, qts: next.qts as number, date: next.date as number };
        if (d.className !== 'updates.DifferenceSlice') break;
      }
      await this.channelsCatchUp();
      this.retryMs = 1000;
      this.offline = false;
    } catch (e) {
      // Still offline: try again later, a little later each time (one notice per outage).
      if (!this.offline) this.o.notice(`tgsh: live messages: ${e instanceof Error ? e.message : String(e)}; trying again`);
      this.offline = true;
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
      this.catchUpSoon(this.retryMs);
    }
  }
}
