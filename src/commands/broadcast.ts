// `broadcast`: one text to many peers, within Telegram's limits, journaled on disk so that an
// interrupted broadcast can be finished without sending anyone the message twice. This file reads
// the arguments and gives src/broadcast what it needs (the sender, the store, the journals folder,
// notices and progress); the work (grammY, the journal, the scheduler) is loaded only when it runs,
// and what it answers becomes the Result in broadcast-report.ts.

import type { PeerRef } from '../peers/ref.js';
import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandContext, CommandSpec, ParsedArgs } from './types.js';

/** Telegram's limit for one text message; a broadcast sends one message (msg splits, broadcast does not). */
const MAX_TEXT = 4096;

const HELP = [
  'Forms:',
  '  broadcast <peer>+ <text>          telegram-cli\'s form: the peers, then the text',
  '  broadcast --to FILE <text>        one peer per line (blank lines and # comments skipped)',
  '  broadcast --consented <text>      every user who started the bot (and has not blocked it or sent /stop)',
  '  broadcast --resume ID [--resend-unknown]   finishes an interrupted broadcast',
  '  broadcast --status ID | --list    shows a broadcast (every recipient) | all of this profile',
  "Modifiers: [html] [markdown] [disable_preview]; [force] also sends to users marked blocked or stopped",
  'and, under consent_policy strict, to users who have not started the bot (otherwise skipped).',
  'Sends keep to Telegram\'s limits (about 29 messages/s overall, 1/s per private chat, 20/min per',
  "group) and honour every 429's retry_after; two 429s in a row pause everything (a flood over the bot).",
  '--max-wait N caps each such wait: a retry_after above N stops the broadcast (exit status 5) and',
  'leaves it to --resume later. Every recipient is journaled (profile folder, broadcasts/) before its',
  'request leaves; the id is printed when it starts. A recipient tgsh was sending to when it died is',
  '"unknown" (it may have the message): --resume lists them and sends them nothing unless',
  '--resend-unknown. Exit status 1 when a recipient failed or is unknown. The report\'s rate is',
  'messages sent per second from the first request to the last answer; none (null in JSON) when',
  'fewer than 2 were sent or that took under a second.',
].join('\n');

export const broadcast: CommandSpec = {
  name: 'broadcast',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer', repeat: true, optional: true },
    { name: 'text', kind: 'string_end', optional: true },
  ],
  options: [
    { name: 'to', value: 'file_name', description: 'send to the peers listed in FILE, one per line' },
    { name: 'consented', description: 'send to every user who started the bot' },
    { name: 'resume', value: 'string', description: 'finish broadcast ID (sends only to those not sent yet)' },
    { name: 'resend-unknown', description: 'with --resume: also send to recipients whose outcome is unknown (they may get it twice)' },
    { name: 'status', value: 'string', description: 'show broadcast ID and each recipient' },
    { name: 'list', description: 'list the broadcasts of this profile' },
  ],
  summary: 'Sends one text to many peers within Telegram\'s limits; journaled and resumable',
  help: HELP,
  async run(ctx, input) {
    if ((ctx.modifiers.as ?? ctx.config.as) === 'user') {
      const { broadcastAsUserRefusal } = await import('./acting.js');
      return broadcastAsUserRefusal();
    }
    const req = await requestOf(ctx, input);
    if ('kind' in req && req.kind === 'fail') return req;
    const [{ runBroadcast }, { broadcastAnswerResult }] = await Promise.all([import('../broadcast/run.js'), import('./broadcast-report.js')]);
    return broadcastAnswerResult(await runBroadcast(await depsOf(ctx), req));
  },
};

type Request = import('../broadcast/run.js').BroadcastRequest;

/** What a broadcast is given: this run's bot sender and store, this client's notices, signal and terminal. */
async function depsOf(ctx: CommandContext): Promise<import('../broadcast/deps.js').BroadcastDeps> {
  const { resolveSendTarget } = await import('../telegram/botapi/target.js');
  const notice = (text: string): void => ctx.notice(text);
  return {
    sender: (what) => ctx.services.botSender(notice, what),
    store: () => ctx.services.store(notice),
    resolve: async (ref) =>
      resolveSendTarget(ref, {
        resolver: (n) => ctx.services.resolver(n),
        store: await ctx.services.store(notice),
        sender: await ctx.services.botSender(notice, 'broadcast'),
        notice,
        signal: ctx.signal,
      }),
    journals: ctx.services.paths.journals,
    profile: ctx.config.profile,
    notice,
    signal: ctx.signal,
    progress: ctx.progress,
    quiet: ctx.config.quiet === true,
    interactive: ctx.mode === 'interactive',
    maxWaitSeconds: ctx.config.maxWaitSeconds,
  };
}

const usage = (message: string, hint = "see 'help broadcast'"): Result & { kind: 'fail' } => fail(ErrorCode.BAD_ARGUMENT, message, { hint });

async function requestOf(ctx: CommandContext, { args, options }: ParsedArgs): Promise<Request | (Result & { kind: 'fail' })> {
  let peers = (args.peer as PeerRef[] | undefined) ?? [];
  let text = args.text as string | undefined;
  const to = options.to as string | undefined;
  const consented = options.consented === true;
  const resume = options.resume as string | undefined;
  const status = options.status as string | undefined;
  const list = options.list === true;
  const resendUnknown = options['resend-unknown'] === true;
  const m = ctx.modifiers;
  const given = (parts: Array<[boolean, string]>): string[] => parts.filter(([on]) => on).map(([, name]) => name);

  if (resume !== undefined || status !== undefined || list) {
    const modes = given([[resume !== undefined, '--resume'], [status !== undefined, '--status'], [list, '--list']]);
    if (modes.length > 1) return usage(`${modes.join(' and ')} do not go together`);
    const extra = given([[peers.length > 0, 'peers'], [text !== undefined, 'text'], [to !== undefined, '--to'], [consented, '--consented']]);
    if (extra.length > 0) return usage(`${modes[0]} takes no ${extra.join(', ')}: the journal has the recipients and the text`);
    if (resendUnknown && resume === undefined) return usage('--resend-unknown goes with --resume ID');
    if (resume !== undefined) return { kind: 'resume', id: resume, resendUnknown };
    if (status !== undefined) return { kind: 'status', id: status };
    return { kind: 'list' };
  }
  if (resendUnknown) return usage('--resend-unknown goes with --resume ID');
  if (m.reply !== undefined) return usage('broadcast does not take [reply=N]: message ids differ from chat to chat');
  if (m.offline) return usage('broadcast needs Telegram: [offline] can not send');
  if (m.html && m.markdown) return usage('[html] and [markdown] do not go together');

  if (peers.length === 0 && to === undefined && !consented && text !== undefined) {
    // Print names are told from text by the store; on the first command it was not open yet.
    ({ peers, text } = await splitKnownPrintNames(ctx, text));
  }
  const sources = given([[peers.length > 0, 'peers'], [to !== undefined, '--to FILE'], [consented, '--consented']]);
  if (sources.length === 0) {
    return usage('broadcast: no recipients', "give peers before the text (@name, user#id, a chat id, a print name), or --to FILE, or --consented");
  }
  if (sources.length > 1) return usage(`broadcast: give the recipients one way: ${sources.join(' or ')}`, 'put text that starts with a peer-like word in quotes');
  if (text === undefined || text.trim() === '') return usage('broadcast: the text is missing', 'the text comes after the peers');
  if (!m.html && !m.markdown && text.length > MAX_TEXT) {
    return usage(`broadcast: the text has ${text.length} characters; one message holds ${MAX_TEXT}`, 'shorten it (msg splits long texts; broadcast sends one message)');
  }
  return {
    kind: 'new',
    source:
      to !== undefined
        ? { kind: 'file', path: to }
        : consented
          ? { kind: 'consented' }
          : { kind: 'peers', inputs: peers.map((ref) => ({ ref, label: ref.raw })) },
    message: { text, parseMode: m.html ? 'HTML' : m.markdown ? 'MarkdownV2' : undefined, disablePreview: m.disablePreview === true ? true : undefined },
    force: m.force === true,
  };
}

/** Leading words of the text that are print names in the store (at least one word stays text). */
async function splitKnownPrintNames(ctx: CommandContext, text: string): Promise<{ peers: PeerRef[]; text: string }> {
  const store = await ctx.services.store(ctx.notice);
  const peers: PeerRef[] = [];
  let rest = text;
  for (;;) {
    const mm = /^(\S+)\s+(?=\S)/.exec(rest);
    if (!mm || !store.isKnownPeer(mm[1])) break;
    peers.push({ kind: 'print_name', name: mm[1], raw: mm[1] });
    rest = rest.slice(mm[0].length);
  }
  return { peers, text: rest };
}
