// A broadcast from start to answer: plan the recipients, open the journal (and its lock), then
// run it (execute.ts). `--resume` reopens a journal and sends to those still pending; `--status`
// and `--list` only read (inspect.ts).

import { mkdirSync } from 'node:fs';
import { ErrorCode } from '../../core/errors.js';
import { fail } from '../../commands/result.js';
import type { Result, CommandContext } from '../../commands/types.js';
import { resolveSendTarget } from '../botapi/target.js';
import { execute } from './execute.js';
import { newBroadcastId } from './id.js';
import { badId, broadcastStatus, listBroadcasts, noJournal } from './inspect.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, JournalWriter, journalFile, readJournal, type JournalHeader } from './journal.js';
import { BroadcastLock } from './lock.js';
import { consentedInputs, planRecipients, type RecipientInput } from './plan.js';
import { readRecipientsFile } from './recipients-file.js';
import type { BroadcastMessage, RecipientState } from './types.js';

export type BroadcastSource = { kind: 'peers'; inputs: RecipientInput[] } | { kind: 'file'; path: string } | { kind: 'consented' };

export type BroadcastRequest =
  | { kind: 'new'; source: BroadcastSource; message: BroadcastMessage; force: boolean }
  | { kind: 'resume'; id: string; resendUnknown: boolean }
  | { kind: 'status'; id: string }
  | { kind: 'list' };

export function runBroadcast(ctx: CommandContext, req: BroadcastRequest): Promise<Result> | Result {
  switch (req.kind) {
    case 'new':
      return startBroadcast(ctx, req);
    case 'resume':
      return resumeBroadcast(ctx, req.id, req.resendUnknown);
    case 'status':
      return broadcastStatus(ctx, req.id);
    case 'list':
      return listBroadcasts(ctx);
  }
}

// ---- a new broadcast ----------------------------------------------------------------------------

async function startBroadcast(ctx: CommandContext, req: Extract<BroadcastRequest, { kind: 'new' }>): Promise<Result> {
  const inputs = req.source.kind === 'file' ? readRecipientsFile(req.source.path) : undefined;
  const sender = await ctx.services.botSender(ctx.notice, 'broadcast');
  const store = await ctx.services.store(ctx.notice);
  const list = inputs ?? (req.source.kind === 'peers' ? req.source.inputs : consentedInputs(store));
  if (list.length === 0) {
    return fail(ErrorCode.BAD_ARGUMENT, 'broadcast --consented: nobody in the store has started the bot', {
      hint: "run 'sync' to learn who started the bot; contact_list shows each user's consent",
    });
  }
  // getMe first: a refused token fails here, before a journal exists; it also gives the start link.
  const me = await sender.me(ctx.signal);
  const startLink = await sender.startLinkIfKnown();
  const plan = await planRecipients(list, {
    force: req.force,
    policy: store.settings.get('consent_policy'),
    target: (ref) => resolveSendTarget(ref, { resolver: (n) => ctx.services.resolver(n), store, sender, notice: ctx.notice, signal: ctx.signal }),
    startLink,
    apiRoot: sender.apiRoot,
    maxWaitSeconds: ctx.config.maxWaitSeconds,
  });
  const id = newBroadcastId();
  const dir = journalsDir(ctx);
  const lock = BroadcastLock.acquire(dir, id);
  try {
    const header: JournalHeader = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, id, created: Date.now(), message: req.message, recipients: plan.recipients, bot: me.id };
    const journal = await JournalWriter.create(dir, header);
    const states: RecipientState[] = plan.recipients.map((p) => ({ ...p }));
    for (const s of states) if (s.status === 'failed') ctx.notice(`tgsh: broadcast ${id}: ${s.peer}: ${s.error}`);
    return await execute(ctx, { id, header, states, peers: plan.peers, journal, sender, store, resendUnknown: false });
  } finally {
    lock.release();
  }
}

function journalsDir(ctx: CommandContext): string {
  const dir = ctx.services.paths.journals;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

// ---- resume ----------------------------------------------------------------------------------------

async function resumeBroadcast(ctx: CommandContext, id: string, resendUnknown: boolean): Promise<Result> {
  const refusal = badId(id) ?? noJournal(ctx, id);
  if (refusal) return refusal;
  const sender = await ctx.services.botSender(ctx.notice, 'broadcast --resume');
  const store = await ctx.services.store(ctx.notice);
  const me = await sender.me(ctx.signal);
  const dir = journalsDir(ctx);
  const lock = BroadcastLock.acquire(dir, id);
  try {
    const contents = readJournal(journalFile(dir, id));
    const bot = contents.header.bot;
    if (bot !== undefined && bot !== me.id) {
      return fail(ErrorCode.BAD_ARGUMENT, `broadcast ${id} was sent by another bot (id ${bot}); this tgsh sends as @${me.username} (id ${me.id})`, {
        hint: "resume it with that bot's token (--bot-token or the profile it was started in)",
      });
    }
    const journal = await JournalWriter.reopen(contents.file, contents.validBytes);
    if (contents.tornBytes > 0) ctx.notice(`tgsh: broadcast ${id}: the journal's last line was cut off (tgsh was stopped while writing it); it is dropped`);
    const states = contents.states;
    const unknown = states.filter((s) => s.status === 'unknown');
    if (unknown.length > 0) {
      const names = unknown.slice(0, 10).map((s) => s.peer).join(', ') + (unknown.length > 10 ? `, and ${unknown.length - 10} more` : '');
      ctx.notice(
        resendUnknown
          ? `tgsh: broadcast ${id}: sending again to ${unknown.length} recipient(s) who may already have the message: ${names}`
          : `tgsh: broadcast ${id}: ${unknown.length} recipient(s) may or may not have the message and are not sent it again: ${names} (--resend-unknown sends it to them again)`,
      );
    }
    const peers = states.map((s) => (s.chatId !== undefined ? store.byBotApiChatId(s.chatId) : undefined));
    return await execute(ctx, { id, header: contents.header, states, peers, journal, sender, store, resendUnknown });
  } finally {
    lock.release();
  }
}
