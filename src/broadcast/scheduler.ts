// The broadcast scheduler: sends one message to many chats as fast as Telegram's limits allow and
// no faster. Pacing is the sender's limiter's (the bot's SendLimiter: about 29 per second overall,
// spaced, never a burst); the scheduler keeps enough requests in flight to reach that rate
// whatever the latency, picks the next recipient that may be sent to now (a chat paused by a 429
// does not hold up the others), and journals each request before it leaves.
//
// 429s: the recipient is sent again after retry_after, never before. Telegram does not say
// whether a 429 is about one chat or the whole bot; in a broadcast each chat gets one message,
// so two 429s in a row from different chats mean a flood over the bot: everything pauses for
// retry_after. After any 429 nothing new starts until the next answer tells which case it is.
// A retry_after longer than --max-wait stops the broadcast (resumable).

import type { ChatClass, SendFailure, SendOutcome, SendPacer } from '../telegram/sender.js';
import { decide, isNetworkFailure, NETWORK_FAILURES_TO_STOP, type StopReason } from './decide.js';
import type { JournalRecord } from './journal.js';

export interface BroadcastJob {
  /** The recipient's index in the journal's list. */
  index: number;
  chatId: number;
  cls: ChatClass;
}

export type JobSender = (job: BroadcastJob, signal: AbortSignal) => Promise<SendOutcome>;

export interface JobJournal {
  /** Resolves once `sending` is durable; the request leaves only then. */
  sending(index: number): Promise<void>;
  record(rec: JournalRecord): void;
}

/** What became of one request, for the caller's report, progress and store. */
export type Settled =
  | { status: 'sent'; messageId: number }
  | { status: 'failed' | 'unknown'; failure: SendFailure }
  | { status: 'retry'; failure: SendFailure; afterMs: number; retryAfter?: number };

export interface SchedulerOptions {
  send: JobSender;
  journal: JobJournal;
  limiter: SendPacer;
  /** Longest retry_after to sit out (seconds); a longer one stops the broadcast. */
  maxWaitSeconds: number;
  signal: AbortSignal;
  /** Requests in flight at most (default 64); the limiter's pacing usually keeps far fewer. */
  maxInFlight?: number;
  /** `sending` is written this long (ms) before the request's turn, to hide the fsync (default 15). */
  leadMs?: number;
  /** After Ctrl-C, requests in flight get this long (ms) to answer before they are cut (default 3000). */
  graceMs?: number;
  /** Called with every answer (and with the outcome itself, for what it teaches the store). */
  onSettled?(job: BroadcastJob, s: Settled, outcome: SendOutcome): void;
  /** The text a failed or unknown recipient is journaled with (default: Telegram's description). */
  explain?(job: BroadcastJob, failure: SendFailure): { error: string; link?: string };
  /** A 429 paused one chat or (scope global) every send, for this many seconds. */
  onPause?(seconds: number, scope: 'chat' | 'global'): void;
  /** The limiter's clock (default Date.now). */
  now?: () => number;
}

export interface SchedulerStats {
  /** Requests made. */
  requests: number;
  /** 429 answers received. */
  tooMany: number;
  globalPauses: number;
  /** Time nothing could be sent because of retry_after waits (ms). */
  stalledMs: number;
  /** When the first request left and the last answer came (ms, the scheduler's clock). */
  firstSendAt?: number;
  lastAnswerAt?: number;
}

export interface SchedulerResult {
  stop?: StopReason;
  stats: SchedulerStats;
}

interface Job extends BroadcastJob {
  taken: boolean;
  retryAt?: number;
  /** When the limiter counted its last request (to un-count it after a 429). */
  countedAt?: number;
  /** 429s sat out for this recipient in this run. */
  floodWaits?: number;
}

/** One waiter (the send loop) woken by an answer, an abort, or a timeout. */
class Waker {
  private wake: (() => void) | undefined;

  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  wait(ms?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(() => this.notify(), Math.max(0, ms));
    });
  }
}

/** How many recipients are looked at when the first in line must wait (a paused chat). */
const LOOKAHEAD = 8;

export class BroadcastScheduler {
  private readonly main: Job[];
  private head = 0;
  /** Jobs whose retry time has come, served before the main queue. */
  private readonly retryReady: Job[] = [];
  /** Jobs waiting for a retry time. */
  private readonly delayed = new Set<Job>();
  private inFlight = 0;
  private readonly waker = new Waker();
  private stop: StopReason | undefined;
  /** After a 429: hold new sends until the next answer says whether the whole bot is flooded. */
  private hold = false;
  private last429Chat: number | undefined;
  private globalPausedUntil = 0;
  private networkInARow = 0;
  private readonly stats: SchedulerStats = { requests: 0, tooMany: 0, globalPauses: 0, stalledMs: 0 };
  private readonly inflightAbort = new AbortController();
  private readonly now: () => number;

  constructor(
    jobs: readonly BroadcastJob[],
    private readonly o: SchedulerOptions,
  ) {
    this.main = jobs.map((j) => ({ ...j, taken: false }));
    this.now = o.now ?? Date.now;
  }

  async run(): Promise<SchedulerResult> {
    const { signal } = this.o;
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      this.stopWith({ kind: 'aborted' });
      grace = setTimeout(() => this.inflightAbort.abort(signal.reason), this.o.graceMs ?? 3000);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.loop();
      while (this.inFlight > 0) await this.waker.wait();
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (grace) clearTimeout(grace);
    }
    return { stop: this.stop, stats: this.stats };
  }

  private stopWith(reason: StopReason): void {
    this.stop ??= reason;
    this.waker.notify();
  }

  private async loop(): Promise<void> {
    const lead = this.o.leadMs ?? 15;
    const maxInFlight = this.o.maxInFlight ?? 64;
    for (;;) {
      if (this.stop) return;
      this.promoteDue();
      if ((this.hold && this.inFlight > 0) || this.inFlight >= maxInFlight) {
        await this.waker.wait();
        continue;
      }
      const pick = this.pick(lead);
      if (!pick) {
        if (this.delayed.size === 0 && this.inFlight === 0) return;
        const next = this.nextRetryAt();
        const t0 = this.now();
        // Nothing in flight and everyone left waiting on a retry: time lost to the waits.
        const stalled = this.inFlight === 0;
        await this.waker.wait(next === undefined ? undefined : next - t0);
        if (stalled) this.stats.stalledMs += this.now() - t0;
        continue;
      }
      if (pick.wait > lead) {
        const t0 = this.now();
        await this.waker.wait(pick.wait - lead);
        if (this.globalPausedUntil > t0) this.stats.stalledMs += Math.min(this.now(), this.globalPausedUntil) - t0;
        continue;
      }
      const job = pick.job;
      this.take(job);
      try {
        await this.o.journal.sending(job.index);
      } catch (e) {
        this.putBack(job);
        this.stopWith({ kind: 'journal', message: e instanceof Error ? e.message : String(e) });
        return;
      }
      // The world may have changed during the fsync (a global pause, Ctrl-C): then it is not sent.
      if (this.stop || this.o.limiter.waitFor(job.chatId, job.cls) > lead * 4) {
        this.release(job, 'not sent: waiting');
        continue;
      }
      try {
        job.countedAt = await this.o.limiter.acquire(job.chatId, job.cls, this.o.signal);
      } catch {
        this.release(job, 'not sent: stopped');
        continue;
      }
      if (this.stop) {
        this.release(job, 'not sent: stopped');
        continue;
      }
      this.launch(job);
    }
  }

  /**
   * The next job: the first in line that may go within `lead` ms (input order is kept), else the
   * one of the next few that may go soonest (a chat paused by a 429 does not hold up the others).
   */
  private pick(lead: number): { job: Job; wait: number } | undefined {
    let best: { job: Job; wait: number } | undefined;
    let looked = 0;
    const consider = (job: Job): boolean => {
      const wait = this.o.limiter.waitFor(job.chatId, job.cls);
      if (!best || wait < best.wait) best = { job, wait };
      return wait <= lead || ++looked >= LOOKAHEAD;
    };
    for (const job of this.retryReady) if (consider(job)) return best;
    while (this.head < this.main.length && this.main[this.head].taken) this.head++;
    for (let k = this.head; k < this.main.length; k++) {
      const job = this.main[k];
      if (!job.taken && consider(job)) return best;
    }
    return best;
  }

  private take(job: Job): void {
    job.taken = true;
    const r = this.retryReady.indexOf(job);
    if (r >= 0) this.retryReady.splice(r, 1);
  }

  /** A job that was not sent goes back to the front of the line. */
  private putBack(job: Job): void {
    this.retryReady.unshift(job);
  }

  private release(job: Job, why: string): void {
    try {
      this.o.journal.record({ i: job.index, s: 'pending', why });
    } catch (e) {
      // Not recorded: it reads as `unknown` on resume, which is safe (never sent twice).
      this.stopWith({ kind: 'journal', message: e instanceof Error ? e.message : String(e) });
    }
    this.putBack(job);
  }

  private promoteDue(): void {
    if (this.delayed.size === 0) return;
    const now = this.now();
    for (const job of this.delayed) {
      if ((job.retryAt ?? 0) <= now) {
        this.delayed.delete(job);
        job.retryAt = undefined;
        this.retryReady.push(job);
      }
    }
  }

  private nextRetryAt(): number | undefined {
    let t: number | undefined;
    for (const job of this.delayed) if (t === undefined || job.retryAt! < t) t = job.retryAt;
    return t;
  }

  private launch(job: Job): void {
    this.inFlight++;
    this.stats.requests++;
    this.stats.firstSendAt ??= this.now();
    let outcome: Promise<SendOutcome>;
    try {
      outcome = this.o.send(job, this.inflightAbort.signal);
    } catch (e) {
      outcome = Promise.reject(e);
    }
    outcome
      .then(
        (o) => this.settle(job, o),
        (e: unknown) =>
          // A bug in the sender: the request may have left, so the recipient is unknown.
          this.settle(job, { ok: false, chatId: job.chatId, reason: 'network', code: 0, description: `internal error: ${e instanceof Error ? e.message : String(e)}`, delivered: 'unknown', attempts: 1, waitedMs: 0 }),
      )
      .catch((e: unknown) => this.stopWith({ kind: 'journal', message: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.inFlight--;
        this.stats.lastAnswerAt = this.now();
        this.waker.notify();
      });
  }

  private settle(job: Job, outcome: SendOutcome): void {
    const j = this.o.journal;
    const was429 = !outcome.ok && outcome.reason === 'flood';
    // A late answer moves the request later in the limiter's count (a 429 is un-counted instead).
    if (job.countedAt !== undefined && !was429) this.o.limiter.answered(job.chatId, job.cls, job.countedAt, this.now());
    this.networkInARow = isNetworkFailure(outcome) ? this.networkInARow + 1 : 0;
    const d = decide(outcome, this.o.maxWaitSeconds, this.networkInARow, job.floodWaits ?? 0);
    if (was429) this.stats.tooMany++;
    // A second 429 in a row, from another chat: the whole bot is flooded.
    const global = was429 && this.last429Chat !== undefined && this.last429Chat !== job.chatId;
    this.last429Chat = was429 ? job.chatId : undefined;
    this.hold = was429;

    switch (d.kind) {
      case 'sent':
        j.record({ i: job.index, s: 'sent', m: d.messageId });
        this.o.onSettled?.(job, { status: 'sent', messageId: d.messageId }, outcome);
        return;
      case 'failed': {
        const x = this.o.explain?.(job, d.failure);
        j.record({ i: job.index, s: 'failed', r: d.failure.reason, e: x?.error ?? d.failure.description, c: d.failure.code || undefined, link: x?.link });
        this.o.onSettled?.(job, { status: 'failed', failure: d.failure }, outcome);
        return;
      }
      case 'unknown':
        j.record({ i: job.index, s: 'unknown', e: this.o.explain?.(job, d.failure).error ?? d.failure.description });
        this.o.onSettled?.(job, { status: 'unknown', failure: d.failure }, outcome);
        if (this.networkInARow >= NETWORK_FAILURES_TO_STOP) this.stopWith({ kind: 'network', failure: d.failure });
        return;
      case 'migrate':
        j.record({ i: job.index, s: 'chat', chat: d.chatId });
        j.record({ i: job.index, s: 'pending', why: 'group migrated to a supergroup' });
        job.chatId = d.chatId;
        job.cls = 'group';
        this.putBack(job);
        return;
      case 'retry': {
        j.record({ i: job.index, s: 'pending', why: d.retryAfter !== undefined ? `retry_after ${d.retryAfter}` : d.failure.description });
        if (d.retryAfter !== undefined) {
          job.floodWaits = (job.floodWaits ?? 0) + 1;
          // Refused, not delivered: it does not count against the pace; the wait is what counts.
          if (job.countedAt !== undefined) this.o.limiter.refund(job.chatId, job.cls, job.countedAt);
          this.o.limiter.penalize(global ? 'global' : job.chatId, d.retryAfter);
          if (global) {
            this.globalPausedUntil = Math.max(this.globalPausedUntil, this.now() + d.afterMs);
            this.stats.globalPauses++;
          }
          this.o.onPause?.(d.retryAfter, global ? 'global' : 'chat');
        }
        job.retryAt = this.now() + d.afterMs;
        this.delayed.add(job);
        this.o.onSettled?.(job, { status: 'retry', failure: d.failure, afterMs: d.afterMs, retryAfter: d.retryAfter }, outcome);
        return;
      }
      case 'stop':
        j.record({ i: job.index, s: 'pending', why: d.failure.description });
        this.putBack(job);
        this.stopWith(d.stop);
        return;
    }
  }
}
