// A broadcast from start to answer: plan the recipients, open the journal (and its lock), then
// run it (execute.ts). `--resume` reopens a journal and sends to those still pending; `--status`
// and `--list` only read (inspect.ts).

import { mkdirSync } from 'node:fs';
import { ErrorCode } from '../core/errors.js';
import type { BroadcastDeps } from './deps.js';
import { execute } from './execute.js';
import { newBroadcastId } from './id.js';
import { badId, broadcastStatus, listBroadcasts, noJournal } from './inspect.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, JournalWriter, journalFile, readJournal, type JournalHeader } from './journal.js';
import { BroadcastLock } from './lock.js';
import { consentedInputs, planRecipients, type RecipientInput } from './plan.js';
import { readRecipientsFile } from './recipients-file.js';
import { refused, type BroadcastAnswer } from './report.js';
import type { BroadcastMessage, RecipientState } from './types.js';

export type BroadcastSource = { kind: 'peers'; inputs: RecipientInput[] } | { kind: 'file'; path: string } | { kind: 'consented' };

export type BroadcastRequest =
  | { kind: 'new'; source: BroadcastSource; message: BroadcastMessage; force: boolean }
  | { kind: 'resume'; id: string; resendUnknown: boolean }
  | { kind: 'status'; id: string }
  | { kind: 'list' };

/** Runs (or reads) a broadcast. Throws TgshError for what stops it before a journal exists. */
export function runBroadcast(deps: BroadcastDeps, req: BroadcastRequest): Promise<BroadcastAnswer> | BroadcastAnswer {
  switch (req.kind) {
    case 'new':
      return startBroadcast(deps, req);
    case 'resume':
      return resumeBroadcast(deps, req.id, req.resendUnknown);
    case 'status':
      return broadcastStatus(deps, req.id);
    case 'list':
      return listBroadcasts(deps);
  }
}

// ---- a new broadcast ----------------------------------------------------------------------------

async function startBroadcast(deps: BroadcastDeps, req: Extract<BroadcastRequest, { kind: 'new' }>): Promise<BroadcastAnswer> {
  const inputs = req.source.kind === 'file' ? readRecipientsFile(req.source.path) : undefined;
  const sender = await deps.sender('broadcast');
  const store = await deps.store();
  const list = inputs ?? (req.source.kind === 'peers' ? req.source.inputs : consentedInputs(store));
  if (list.length === 0) {
    return refused(ErrorCode.BAD_ARGUMENT, 'broadcast --consented: nobody in the store has started the bot', "run 'sync' to learn who started the bot; contact_list shows each user's consent");
  }
  // getMe first: a refused token fails here, before a journal exists; it also gives the start link.
  const me = await sender.me(deps.signal);
  const startLink = await sender.startLinkIfKnown();
  const plan = await planRecipients(list, {
    force: req.force,
    policy: store.settings.get('consent_policy'),
    target: (ref) => deps.resolve(ref),
    startLink,
    apiRoot: sender.apiRoot,
    maxWaitSeconds: deps.maxWaitSeconds,
  });
  const id = newBroadcastId();
  const dir = journalsDir(deps);
  const lock = BroadcastLock.acquire(dir, id);
  try {
    const header: JournalHeader = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, id, created: Date.now(), message: req.message, recipients: plan.recipients, bot: me.id };
    const journal = await JournalWriter.create(dir, header);
    const states: RecipientState[] = plan.recipients.map((p) => ({ ...p }));
    for (const s of states) if (s.status === 'failed') deps.notice(`tgsh: broadcast ${id}: ${s.peer}: ${s.error}`);
    return { kind: 'run', report: await execute(deps, { id, header, states, peers: plan.peers, journal, sender, store, resendUnknown: false }) };
  } finally {
    lock.release();
  }
}

function journalsDir(deps: BroadcastDeps): string {
  const dir = deps.journals;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

// ---- resume ----------------------------------------------------------------------------------------

async function resumeBroadcast(deps: BroadcastDeps, id: string, resendUnknown: boolean): Promise<BroadcastAnswer> {
  const refusal = badId(id) ?? noJournal(deps, id);
  if (refusal) return refusal;
  const sender = await deps.sender('broadcast --resume');
  const store = await deps.store();
  const me = await sender.me(deps.signal);
  const dir = journalsDir(deps);
  const lock = BroadcastLock.acquire(dir, id);
  try {
    const contents = readJournal(journalFile(dir, id));
    const bot = contents.header.bot;
    if (bot !== undefined && bot !== me.id) {
      return refused(
        ErrorCode.BAD_ARGUMENT,
        `broadcast ${id} was sent by another bot (id ${bot}); this tgsh sends as @${me.username} (id ${me.id})`,
        "resume it with that bot's token (--bot-token or the profile it was started in)",
      );
    }
    const journal = await JournalWriter.reopen(contents.file, contents.validBytes);
    if (contents.tornBytes > 0) deps.notice(`tgsh: broadcast ${id}: the journal's last line was cut off (tgsh was stopped while writing it); it is dropped`);
    const states = contents.states;
    const unknown = states.filter((s) => s.status === 'unknown');
    if (unknown.length > 0) {
      const names = unknown.slice(0, 10).map((s) => s.peer).join(', ') + (unknown.length > 10 ? `, and ${unknown.length - 10} more` : '');
      deps.notice(
        resendUnknown
          ? `tgsh: broadcast ${id}: sending again to ${unknown.length} recipient(s) who may already have the message: ${names}`
          : `tgsh: broadcast ${id}: ${unknown.length} recipient(s) may or may not have the message and are not sent it again: ${names} (--resend-unknown sends it to them again)`,
      );
    }
    const peers = states.map((s) => (s.chatId !== undefined ? store.byBotApiChatId(s.chatId) : undefined));
    return { kind: 'run', report: await execute(deps, { id, header: contents.header, states, peers, journal, sender, store, resendUnknown }) };
  } finally {
    lock.release();
  }
}
