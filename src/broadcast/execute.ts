// One run of a broadcast (the first, or a --resume): the scheduler over the recipients still to
// send, with a progress display, the store taught what each answer said, and the report built
// from every recipient's state.

import type { PeerRecord } from '../peers/types.js';
import type { PeerStore } from '../store/peer-store.js';
import { recordSendOutcome } from '../telegram/botapi/consent.js';
import { explainSendFailure, type ExplainContext } from '../telegram/botapi/explain.js';
import type { MessageContent, SendFailure } from '../telegram/sender.js';
import type { BroadcastDeps, BroadcastSender } from './deps.js';
import type { JournalHeader, JournalWriter } from './journal.js';
import { barProgress, noticeProgress, silentProgress, type Progress, type ProgressSnapshot } from './progress.js';
import { broadcastRate, type RunReport } from './report.js';
import { BroadcastScheduler, type BroadcastJob } from './scheduler.js';
import { countStatuses, type RecipientState } from './types.js';

export interface Execution {
  id: string;
  header: JournalHeader;
  /** Every recipient, in input order; updated as answers come. */
  states: RecipientState[];
  peers: Array<PeerRecord | undefined>;
  journal: JournalWriter;
  sender: BroadcastSender;
  store: PeerStore;
  resendUnknown: boolean;
}

function progressFor(deps: BroadcastDeps): Progress {
  if (deps.quiet) return silentProgress;
  if (!deps.interactive && deps.progress) return barProgress(deps.progress);
  return noticeProgress(deps.notice, deps.interactive ? 5000 : 10_000);
}

export async function execute(deps: BroadcastDeps, x: Execution): Promise<RunReport> {
  const { id, states, journal, sender } = x;
  const m = x.header.message;
  const content: MessageContent = { kind: 'text', text: m.text, parseMode: m.parseMode };
  const jobs: BroadcastJob[] = [];
  states.forEach((s, index) => {
    if (s.chatId === undefined || s.cls === undefined) return;
    if (s.status === 'pending' || (x.resendUnknown && s.status === 'unknown')) jobs.push({ index, chatId: s.chatId, cls: s.cls });
  });
  const startedAt = Date.now();
  let sent = 0;
  let failed = 0;
  let unknown = 0;
  let pausedUntil = 0;
  const startLink = await x.sender.startLinkIfKnown();
  const explainCtx = (job: BroadcastJob): ExplainContext => ({
    name: states[job.index].name ?? states[job.index].peer,
    isUser: job.cls === 'private',
    startLink,
    apiRoot: sender.apiRoot,
    maxWaitSeconds: deps.maxWaitSeconds,
    kind: 'text',
    modifier: m.parseMode === 'HTML' ? '[html]' : m.parseMode === 'MarkdownV2' ? '[markdown]' : undefined,
  });
  const explain = (job: BroadcastJob, f: SendFailure): { error: string; link?: string } => {
    const e = explainSendFailure(f, explainCtx(job));
    const link = typeof e.extra?.start_link === 'string' ? e.extra.start_link : undefined;
    return { error: e.error, link };
  };

  const progress = progressFor(deps);
  const snapshot = (): ProgressSnapshot => {
    const elapsed = (Date.now() - startedAt) / 1000;
    const rate = elapsed > 0.5 ? sent / elapsed : 0;
    const left = jobs.length - sent - failed - unknown;
    return {
      id,
      total: jobs.length,
      sent,
      failed,
      unknown,
      rate,
      secondsLeft: rate > 0 ? left / Math.min(rate, sender.limiter.policy.globalPerSecond) : undefined,
      pausedFor: pausedUntil > Date.now() ? (pausedUntil - Date.now()) / 1000 : undefined,
    };
  };
  const before = countStatuses(states);
  deps.notice(
    `tgsh: broadcast ${id}: ${jobs.length} to send` +
      (before.sent ? `, ${before.sent} sent before` : '') +
      (before.skipped ? `, ${before.skipped} skipped` : '') +
      (before.failed ? `, ${before.failed} failed` : '') +
      `; if it stops, 'broadcast --resume ${id}' finishes it`,
  );

  journal.record({ s: 'run', t: startedAt, pid: process.pid, ...(x.resendUnknown ? { resend_unknown: true } : {}) });
  const scheduler = new BroadcastScheduler(jobs, {
    // The scheduler paces, waits out 429s and retries itself: the sender makes one request.
    send: (job, signal) =>
      sender.sendMessage({ chatId: job.chatId, cls: job.cls }, content, {
        disablePreview: m.disablePreview,
        signal,
        maxWaitSeconds: 0,
        maxFloodRetries: 0,
        networkRetries: 0,
        skipLimiter: true,
      }),
    journal,
    limiter: sender.limiter,
    maxWaitSeconds: deps.maxWaitSeconds,
    signal: deps.signal,
    explain,
    onSettled(job, s, outcome) {
      const st = states[job.index];
      if (s.status === 'sent') {
        Object.assign(st, { status: 'sent', messageId: s.messageId, reason: undefined, error: undefined, code: undefined });
        sent++;
      } else if (s.status === 'failed' || s.status === 'unknown') {
        const e = explain(job, s.failure);
        Object.assign(st, { status: s.status, reason: s.failure.reason, error: e.error, code: s.failure.code || undefined, startLink: e.link });
        if (s.status === 'failed') failed++;
        else unknown++;
        progress.line(`tgsh: broadcast ${id}: ${st.peer}: ${e.error}${e.link && !e.error.includes(e.link) ? `; start link ${e.link}` : ''}`);
      }
      if (s.status !== 'retry') {
        try {
          recordSendOutcome(x.store, x.peers[job.index] ?? x.store.byBotApiChatId(job.chatId), outcome);
        } catch {
          // What a send teaches the store is a bonus; the broadcast goes on without it.
        }
      }
      progress.update(snapshot());
    },
    onPause(seconds, scope) {
      if (scope !== 'global') return;
      pausedUntil = Math.max(pausedUntil, Date.now() + seconds * 1000);
      progress.line(`tgsh: broadcast ${id}: Telegram signals a flood (429): every send waits ${seconds} s`);
    },
  });
  let result: Awaited<ReturnType<BroadcastScheduler['run']>> | undefined;
  try {
    result = await scheduler.run();
  } finally {
    progress.done();
    try {
      journal.record({ s: 'end', t: Date.now(), why: result ? (result.stop?.kind ?? 'done') : 'error' });
      await journal.close();
    } catch {
      // The journal already failed (the run's answer says so); a missing `end` reads as interrupted.
    }
  }

  const st = result.stats;
  const active = st.firstSendAt !== undefined && st.lastAnswerAt !== undefined ? (st.lastAnswerAt - st.firstSendAt) / 1000 : 0;
  const stop = result.stop;
  let stopExplained;
  if (stop && (stop.kind === 'fatal' || stop.kind === 'network')) {
    const job = jobs.find((j) => j.chatId === Number(stop.failure.chatId)) ?? jobs[0];
    stopExplained = explainSendFailure(stop.failure, explainCtx(job));
  }
  return {
    id,
    states,
    stop,
    stopExplained,
    seconds: (Date.now() - startedAt) / 1000,
    // None over less than a second or under two sends: it would say little (one send, loopback).
    rate: broadcastRate(sent, active),
    floodWaitSeconds: st.stalledMs / 1000,
  };
}
