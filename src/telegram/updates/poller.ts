// getUpdates for one tgsh process: `sync` drains what is pending, the interactive shell keeps a
// long poll running in the background; both go through here, one request at a time (a second
// concurrent getUpdates of the same bot would make Telegram end the first with 409).
//
// Never lost, never counted twice: a batch is applied to the store, the next offset is set in the
// store and the store is flushed (peers and offset land in one atomic write); only then does the
// next getUpdates carry the higher offset, which is what tells Telegram to forget the batch. A
// crash in between leaves the batch with Telegram and the old offset on disk: it comes again.
//
// One poller per bot across processes: before its first getUpdates a poller takes the store's
// poller lock of the bot (PeerStore.claimPoller: a file lock beside a conf or sqlite store, an
// advisory lock in postgres) and keeps it while it polls; `sync` in a process with no live poll
// gives it back at the end. A second `sync` is refused naming the holder (pid, host, mode); a live
// poll that finds the lock taken says so once and tries again every lockRetryMs, taking over when
// the holder exits. Having taken the lock, the poller reads the offset afresh from the storage:
// the previous holder (maybe on another machine) moved it after this store was loaded.
//
// The journal (journal.ts) is a file of this machine: with a store on this machine (conf, sqlite)
// it saves a store write per batch; on a store shared by several machines (postgres) a poller
// killed here and restarted elsewhere would never see what only the journal held, so there is
// none: each batch's peers and offset go in one transaction (pg-backend's apply) before the next
// getUpdates confirms it. A journal left from before (a store migrated to postgres) is still
// recovered once.

import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { PeerStore, PollerHolder } from '../../store/peer-store.js';
import type { Secret } from '../../core/secret.js';
import { TgshError, ErrorCode } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import { describeBotApiFailure, type BotApiFailure } from '../botapi/api.js';
import { isUpdateList, isWebhookInfoAnswer, UnexpectedAnswer } from '../botapi/answers.js';
import { explainCallError, unexpectedAnswer } from '../botapi/explain.js';
import { BotApiCallError, callWithFloodWaits } from '../botapi/flood.js';
import { UpdateApplier, type ApplyResult } from './apply.js';
import type { UpdateJournal } from './journal.js';

/** Telegram's default update kinds plus chat_member (member changes in chats the bot administers). */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
] as const;

/**
 * Telegram numbers a bot's updates afresh, from a random id, once it has had none for a week. An
 * offset that old may stand above the new ids and would confirm them unseen, so it is not sent:
 * Telegram then gives every update still unconfirmed (by then only ones never received, as it
 * keeps updates a day).
 */
export const STALE_OFFSET_MS = 7 * 24 * 3600_000;

/** Seconds a live long poll waits on the server. */
export const LIVE_POLL_SECONDS = 25;
const BATCH = 100;

export interface PollerDeps {
  /** For sync (short requests). */
  api: Api;
  /** For the live long poll (its timeout covers LIVE_POLL_SECONDS); default `api`. */
  pollApi?: Api;
  store: PeerStore;
  secrets: ReadonlyArray<Secret | undefined>;
  apiRoot: string;
  /** Seconds a live poll waits on the server (tests use less). */
  livePollSeconds?: number;
  /** Waits between live retries; tests pass a fake. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * The write-ahead journal (journal.ts): batches are journaled before being confirmed and the
   * store is flushed about once a second. Without one (or on a store shared across machines),
   * the store is flushed after every batch.
   */
  journal?: UpdateJournal;
  /** The bot as messages name it (`bot @name`); `this bot` without. */
  botName?: () => Promise<string>;
  /** How often a live poll retries the poller lock another process holds (default 20 s). */
  lockRetryMs?: number;
  /**
   * false: no poller lock (a sandbox inside this process: its world, and so its updates, are this
   * process's own, though other processes' sandboxes share the profile's store). Default true.
   */
  lock?: boolean;
}

/** How often a live poll asks again for the poller lock another process holds. */
export const LOCK_RETRY_MS = 20_000;

/** `tgsh pid 4321 on host-a (shell, since 19:40 UTC)`, or `another tgsh process`. */
export function describeHolder(h: PollerHolder | undefined, now = Date.now()): string {
  if (!h) return 'another tgsh process';
  const more: string[] = [];
  if (h.mode) more.push(h.mode);
  if (h.since !== undefined && Number.isFinite(h.since)) {
    const iso = new Date(h.since).toISOString();
    const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
    more.push(`since ${sameDay ? '' : iso.slice(0, 10) + ' '}${iso.slice(11, 16)} UTC`);
  }
  return `tgsh pid ${h.pid} on ${h.host}${more.length ? ` (${more.join(', ')})` : ''}`;
}

/** How often sync flushes the store while draining (with a journal). */
const FLUSH_EVERY_MS = 1000;

export interface DrainOptions {
  signal?: AbortSignal;
  /** Delete a webhook first (getUpdates is refused while one is set). Never done otherwise. */
  deleteWebhook?: boolean;
  /**
   * --max-wait: a 429 whose retry_after is within it is sat out (flood.ts's rule, as for sends);
   * default 0 (fail at once).
   */
  maxWaitSeconds?: number;
  /** Told before a flood wait is sat out (for a notice). */
  onWait?: (seconds: number) => void;
  /** Flood waits; tests pass a fake. Default: real time, abortable. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface DrainResult extends ApplyResult {
  /** The URL's host of the webhook that was deleted (--delete-webhook), if there was one. */
  webhookDeleted?: string;
}

export interface LiveHandlers {
  /** A batch was applied and flushed (messages are in `result.messages`). */
  onBatch(result: ApplyResult): void;
  /** A status line for the person (paused, resumed, stopped). */
  notice(text: string): void;
  /** What this process is, for the others while it holds the poller lock (default `shell`). */
  mode?: string;
}

type Signal = Parameters<Api['getUpdates']>[1];

/** Waits ms, or less when stopped (it never rejects: a stop is not an error here). */
const realSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, signal).catch(() => undefined);

/** The one clear message of a 409. */
export function conflictExplanation(f: BotApiFailure & { kind: 'refused' }): { error: string; hint: string } {
  if (/webhook/i.test(f.description)) {
    return {
      error: `a webhook is set for this bot, and Telegram refuses getUpdates while it is (409: ${f.description.replace(/^Conflict: /, '')})`,
      hint: "'sync --delete-webhook' deletes the webhook (the program that set it stops getting updates)",
    };
  }
  return {
    error: `another program is reading this bot's updates (409: ${f.description.replace(/^Conflict: /, '')})`,
    hint: 'stop the other program (or tgsh shell) that uses this bot token, then try again',
  };
}

export class UpdatePoller {
  private chain: Promise<unknown> = Promise.resolve();
  /** The offset whose updates are all on disk: the only one ever sent to Telegram. */
  private confirmed: number | undefined;
  /** When `confirmed` last moved (Date.now() ms). */
  private confirmedAt = 0;
  /** The store's change time of the offset entry `confirmed` came from (or was saved as). */
  private confirmedStamp = 0;
  private loaded = false;
  private waiting = 0;
  private current: AbortController | undefined;
  private live: { stop: AbortController; done: Promise<void> } | undefined;
  private lastShown = 0;
  private lastFlush = 0;
  private recovered = false;
  /** This process holds the store's poller lock of the bot. */
  private holding = false;

  constructor(private readonly d: PollerDeps) {}

  get liveRunning(): boolean {
    return this.live !== undefined;
  }

  /** Runs fn when no other getUpdates work of this process runs (FIFO). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private offset(): number | undefined {
    if (!this.loaded) {
      const e = this.d.store.updateOffsetEntry();
      this.confirmed = e?.value;
      this.confirmedAt = e?.updatedAt ?? 0;
      this.confirmedStamp = e?.updatedAt ?? 0;
      this.loaded = true;
    }
    if (this.confirmed !== undefined && Date.now() - this.confirmedAt >= STALE_OFFSET_MS) this.confirmed = undefined;
    return this.confirmed;
  }

  /** Only on a store of this machine (see the header): else undefined, a flush per batch. */
  private get journal(): UpdateJournal | undefined {
    return this.d.store.sharedAcrossMachines ? undefined : this.d.journal;
  }

  /**
   * Takes the bot's poller lock unless this process holds it; then reads the offset afresh (the
   * previous holder moved it). Answers who holds it when another process does.
   */
  private async take(mode: string): Promise<{ ok: true } | { ok: false; holder: PollerHolder | undefined }> {
    if (this.d.lock === false) return { ok: true };
    // Asked before every request (no I/O while held): a lock lost meanwhile (postgres' connection
    // dropped) is taken again, or the poll gives way to whoever took it.
    const r = await this.d.store.claimPoller(mode);
    if (!r.held) {
      this.holding = false;
      return { ok: false, holder: r.holder };
    }
    if (this.holding && !r.fresh) return { ok: true };
    this.holding = true;
    let stored: { value: number; updatedAt: number } | undefined;
    try {
      stored = await this.d.store.refreshUpdateOffset();
    } catch (e) {
      await this.release();
      throw e;
    }
    // Only an offset saved after the one `confirmed` came from replaces it: an offset this
    // process set but could not save (a failed flush) is never sent. (Not loaded yet: offset()
    // reads the index, which holds the stored one now unless this process set a newer one.)
    if (this.loaded && stored && stored.updatedAt > this.confirmedStamp) {
      this.confirmed = stored.value;
      this.confirmedAt = stored.updatedAt;
      this.confirmedStamp = stored.updatedAt;
    }
    return { ok: true };
  }

  private async release(): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    await this.d.store.releasePoller();
  }

  private async botName(): Promise<string> {
    return (await this.d.botName?.().catch(() => undefined)) ?? 'this bot';
  }

  private async busyError(holder: PollerHolder | undefined): Promise<TgshError> {
    const bot = await this.botName();
    const live = holder?.mode !== undefined && holder.mode !== 'sync';
    return new TgshError(ErrorCode.SERVER, `${bot}'s updates are read by ${describeHolder(holder)}; the peer store gets them from there`, {
      hint: live
        ? 'it reads them as they come while it runs; stop it to read them from here, or run sync in it'
        : 'wait for it to finish, then try again; the lock is free once it exits, even if it was killed',
      extra: {
        conflict: 'tgsh',
        poller: holder ? { pid: holder.pid, host: holder.host, mode: holder.mode ?? null, since: holder.since ?? null } : null,
      },
    });
  }

  private fail(e: unknown, what: string, maxWaitSeconds: number): never {
    const f = e instanceof BotApiCallError ? e.failure : e instanceof UnexpectedAnswer ? undefined : describeBotApiFailure(e, this.d.secrets);
    if (f?.kind === 'refused' && f.code === 409) {
      const c = conflictExplanation(f);
      throw new TgshError(ErrorCode.SERVER, c.error, { hint: c.hint, extra: { conflict: /webhook/i.test(f.description) ? 'webhook' : 'poller' } });
    }
    const x = explainCallError(e, { apiRoot: this.d.apiRoot, what, secrets: this.d.secrets, maxWaitSeconds });
    throw new TgshError(x.code, x.error, x);
  }

  /**
   * Makes a batch durable (journal, or a store flush), applies it and moves the offset on: only
   * then may the next getUpdates confirm it. Returns the next offset.
   */
  private async commit(applier: UpdateApplier, updates: readonly Update[], flushNow: boolean): Promise<number> {
    const start = this.offset();
    const fresh = start === undefined ? updates : updates.filter((u) => u.update_id >= start);
    this.journal?.append(fresh);
    applier.apply(fresh);
    const next = Math.max(updates[updates.length - 1].update_id + 1, start ?? 0);
    this.d.store.setUpdateOffset(next);
    if (!this.journal || flushNow || Date.now() - this.lastFlush >= FLUSH_EVERY_MS) await this.flush();
    this.confirmed = next;
    this.confirmedAt = Date.now();
    this.confirmedStamp = this.d.store.updateOffsetEntry()?.updatedAt ?? 0;
    return next;
  }

  /** Flushes the store; the journal is emptied once the store holds all it held. */
  private async flush(): Promise<void> {
    await this.d.store.flush();
    this.lastFlush = Date.now();
    this.d.journal?.clear();
  }

  /**
   * Once per process, before the first getUpdates: what a tgsh that died left in the journal and
   * the store does not hold yet (ids at or above the stored offset) is applied and flushed.
   */
  private async recover(applier: UpdateApplier): Promise<void> {
    if (this.recovered || !this.d.journal) return;
    const left = this.d.journal.read() as Update[];
    if (left.length > 0) {
      const start = this.offset();
      const fresh = left.filter((u) => typeof u?.update_id === 'number' && (start === undefined || u.update_id >= start));
      if (fresh.length > 0) {
        applier.apply(fresh);
        this.d.store.setUpdateOffset(Math.max(...fresh.map((u) => u.update_id)) + 1);
      }
      await this.flush();
      if (fresh.length > 0) {
        this.confirmed = this.d.store.getUpdateOffset();
        this.confirmedAt = Date.now();
        this.confirmedStamp = this.d.store.updateOffsetEntry()?.updatedAt ?? 0;
      }
    }
    this.recovered = true;
  }

  /** `sync`: reads every pending update into the store. Throws TgshError (409 explained). */
  drain(opts: DrainOptions = {}): Promise<DrainResult> {
    this.waiting++;
    this.current?.abort(); // a live long poll gives way at once
    return this.exclusive(async () => {
      this.waiting--;
      return this.drainNow(opts);
    });
  }

  private async drainNow(opts: DrainOptions): Promise<DrainResult> {
    const api = this.d.api;
    const signal = opts.signal as Signal;
    const maxWaitSeconds = opts.maxWaitSeconds ?? 0;
    // Every request sits out the 429s within --max-wait, as sends do (flood.ts).
    const call = <T>(fn: () => Promise<T>): Promise<T> =>
      callWithFloodWaits(fn, { maxWaitSeconds, signal: opts.signal, onWait: opts.onWait, secrets: this.d.secrets, sleep: opts.sleep });
    // The lock first: a sync refused because another process polls changes nothing (no webhook deleted).
    const took = await this.take('sync');
    if (!took.ok) throw await this.busyError(took.holder);
    try {
      let webhookDeleted: string | undefined;
      if (opts.deleteWebhook) {
        try {
          const info: unknown = await call(() => api.getWebhookInfo(signal));
          if (!isWebhookInfoAnswer(info)) throw new UnexpectedAnswer('getWebhookInfo');
          if (info.url) {
            await call(() => api.deleteWebhook({ drop_pending_updates: false }, signal));
            webhookDeleted = hostOf(info.url);
          }
        } catch (e) {
          this.fail(e, 'deleting the webhook', maxWaitSeconds);
        }
      }
      return { ...(await this.drainHeld(call, signal, maxWaitSeconds)), webhookDeleted };
    } finally {
      // A one-shot sync gives the lock back; a live poll of this process keeps it.
      if (!this.live) await this.release();
    }
  }

  private async drainHeld(call: <T>(fn: () => Promise<T>) => Promise<T>, signal: Signal, maxWaitSeconds: number): Promise<ApplyResult> {
    const api = this.d.api;
    const applier = new UpdateApplier(this.d.store);
    await this.recover(applier);
    for (;;) {
      let batch: Update[];
      try {
        const answer: unknown = await call(() => api.getUpdates({ offset: this.offset(), limit: BATCH, timeout: 0, allowed_updates: [...ALLOWED_UPDATES] }, signal));
        if (!isUpdateList(answer)) throw new UnexpectedAnswer('getUpdates');
        batch = answer;
      } catch (e) {
        this.fail(e, 'getUpdates', maxWaitSeconds);
      }
      if (batch.length === 0) break;
      await this.commit(applier, batch, false);
      if ((signal as AbortSignal | undefined)?.aborted) break;
    }
    await this.flush();
    return applier.result;
  }

  /** Starts the background long poll (the interactive shell). */
  startLive(h: LiveHandlers): void {
    if (this.live) return;
    const stop = new AbortController();
    this.live = { stop, done: this.liveLoop(h, stop.signal) };
  }

  /** Stops the long poll, waits for it to end and gives the poller lock back. */
  async stopLive(): Promise<void> {
    const live = this.live;
    if (!live) return;
    live.stop.abort();
    this.current?.abort();
    await live.done;
    // After any sync queued behind it (a sync running now keeps the lock to its end).
    await this.exclusive(async () => {
      if (!this.live) await this.release();
    });
  }

  private async liveLoop(h: LiveHandlers, stop: AbortSignal): Promise<void> {
    const sleep = this.d.sleep ?? realSleep;
    let failures = 0;
    /** The holder last told about (a notice once per holder, not per retry). */
    let toldBusy: string | undefined;
    try {
      while (!stop.aborted) {
        const r = await this.exclusive(() => this.pollOnce(h, stop));
        if (r === 'ok' || r === 'yielded') {
          if (failures > 0 && r === 'ok') h.notice('tgsh: live messages resumed');
          if (r === 'ok') failures = 0;
          if (r === 'ok' && toldBusy !== undefined) {
            h.notice('tgsh: live messages on: the other poller stopped, this process reads the bot\'s updates now');
            toldBusy = undefined;
          }
          continue;
        }
        if (r.kind === 'busy') {
          const who = describeHolder(r.holder);
          const key = r.holder ? `${r.holder.host}:${r.holder.pid}` : who;
          if (toldBusy !== key) h.notice(`tgsh: live messages: ${await this.botName()}'s updates are read by ${who}; the peer store gets them from there, and this process takes over when it stops`);
          toldBusy = key;
          await sleep(this.d.lockRetryMs ?? LOCK_RETRY_MS, stop);
          continue;
        }
        if (r.kind === 'stop') {
          h.notice(r.text);
          return;
        }
        if (failures === 0) h.notice(`${r.text}; retrying in the background`);
        failures++;
        // A 429's retry_after is waited out in full (retrying sooner only earns another 429).
        const backoff = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));
        await sleep(Math.max(backoff, (r.retryAfter ?? 0) * 1000), stop);
      }
    } finally {
      this.live = undefined;
    }
  }

  private async pollOnce(
    h: LiveHandlers,
    stop: AbortSignal,
  ): Promise<'ok' | 'yielded' | { kind: 'busy'; holder: PollerHolder | undefined } | { kind: 'stop' | 'retry'; text: string; retryAfter?: number }> {
    if (stop.aborted || this.waiting > 0) return 'yielded';
    try {
      const took = await this.take(h.mode ?? 'shell');
      if (!took.ok) return { kind: 'busy', holder: took.holder };
    } catch (e) {
      return { kind: 'retry', text: `tgsh: live messages paused: the poller lock could not be taken (${e instanceof Error ? e.message : String(e)})` };
    }
    try {
      await this.recover(new UpdateApplier(this.d.store));
    } catch (e) {
      return { kind: 'retry', text: `tgsh: live messages paused: peers not saved (${e instanceof Error ? e.message : String(e)})` };
    }
    const req = new AbortController();
    const onStop = (): void => req.abort();
    stop.addEventListener('abort', onStop, { once: true });
    this.current = req;
    let batch: Update[];
    try {
      const answer: unknown = await (this.d.pollApi ?? this.d.api).getUpdates(
        { offset: this.offset(), limit: BATCH, timeout: this.d.livePollSeconds ?? LIVE_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
        req.signal as Signal,
      );
      if (!isUpdateList(answer)) return { kind: 'retry', text: `tgsh: live messages paused: ${unexpectedAnswer(this.d.apiRoot, 'getUpdates').error}` };
      batch = answer;
    } catch (e) {
      if (req.signal.aborted) return 'yielded';
      const f = describeBotApiFailure(e, this.d.secrets);
      if (f.kind === 'refused' && f.code === 409) {
        const c = conflictExplanation(f);
        return { kind: 'stop', text: `tgsh: live messages stopped: ${c.error}; ${c.hint}` };
      }
      if (f.kind === 'refused' && f.code === 401) return { kind: 'stop', text: 'tgsh: live messages stopped: the bot token was refused (401: Unauthorized)' };
      if (f.kind === 'refused' && f.code === 429) {
        const wait = f.retryAfter ?? 0;
        return { kind: 'retry', text: `tgsh: live messages paused: Telegram asks to wait ${f.retryAfter ?? '?'} s (429: Too Many Requests)`, retryAfter: wait };
      }
      const x = explainCallError(e, { apiRoot: this.d.apiRoot, what: 'getUpdates', secrets: this.d.secrets });
      return { kind: 'retry', text: `tgsh: live messages paused: ${x.error}` };
    } finally {
      stop.removeEventListener('abort', onStop);
      if (this.current === req) this.current = undefined;
    }
    if (batch.length === 0) return 'ok';
    const applier = new UpdateApplier(this.d.store, true);
    try {
      await this.commit(applier, batch, true);
    } catch (e) {
      return { kind: 'retry', text: `tgsh: live messages paused: peers not saved (${e instanceof Error ? e.message : String(e)})` };
    }
    // A batch fetched again after a failed flush is not shown twice.
    const result = applier.result;
    result.messages = result.messages.filter((m) => m.updateId > this.lastShown);
    for (const m of result.messages) this.lastShown = Math.max(this.lastShown, m.updateId);
    h.onBatch(result);
    return 'ok';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'a webhook';
  }
}
