// What msg, send_text and send_photo/send_document/send_file share: the sender, the recipient
// (any peer form), the consent check, sending part after part, and one answer per part. Loaded
// (with the Bot API modules) when a command runs, never when the registry loads.

import type { PeerRef } from '../peers/ref.js';
import type { BotSender } from '../telegram/botapi/sender.js';
import { cannotText, type MessageContent, type ParseMode } from '../telegram/sender.js';
import { resolveSendTarget, targetOfPeer, type SendTarget } from '../telegram/botapi/target.js';
import { consentGate, recordSendOutcome } from '../telegram/botapi/consent.js';
import { explainLocalRefusal, explainSendFailure } from '../telegram/botapi/explain.js';
import type { MessageView } from '../peers/message.js';
import type { PeerStore } from '../store/peer-store.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandContext, ParsedArgs } from './types.js';

export interface Prepared {
  /** The bot: the Sender seam (telegram/sender.ts) plus what only a bot has (start link, getMe). */
  sender: BotSender;
  store: PeerStore;
  to: SendTarget;
}

/** The bot's name for group lines (` [HH:MM]  Group Bot Name <<< text`); getMe is asked once. */
async function botName(sender: BotSender): Promise<string | undefined> {
  try {
    const me = await sender.me();
    return [me.firstName, me.lastName].filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

export function parseModeOf(ctx: CommandContext): ParseMode | undefined {
  if (ctx.modifiers.html && ctx.modifiers.markdown) throw new TgshError(ErrorCode.BAD_ARGUMENT, '[html] and [markdown] can not be used together', { hint: 'choose one parse mode' });
  return ctx.modifiers.html ? 'HTML' : ctx.modifiers.markdown ? 'MarkdownV2' : undefined;
}

export function modifierOf(mode: ParseMode | undefined): '[html]' | '[markdown]' | undefined {
  return mode === 'HTML' ? '[html]' : mode === 'MarkdownV2' ? '[markdown]' : undefined;
}

/** `[force]` or `--force`: skip the local refusals (consent, the parts cap). */
export function forced(ctx: CommandContext, input: ParsedArgs): boolean {
  return ctx.modifiers.force === true || input.options.force === true;
}

/**
 * The FAIL for a text that would go as more than MAX_PARTS messages (unless forced); `what` names
 * it (`the text`, `'notes.txt'`).
 */
export async function partsCapRefusal(ctx: CommandContext, input: ParsedArgs, what: string, chars: number, parts: number): Promise<Result | undefined> {
  const { MAX_PARTS, TEXT_LIMIT } = await import('../telegram/botapi/split.js');
  if (parts <= MAX_PARTS || forced(ctx, input)) return undefined;
  const n = (x: number): string => x.toLocaleString('en-US');
  return fail(
    22,
    `${what} has ${n(chars)} characters and would go as ${n(parts)} messages, more than the ${MAX_PARTS} tgsh sends for one text (about ${n(Math.round((MAX_PARTS * TEXT_LIMIT) / 10_000) * 10_000)} characters): not sent`,
    { hint: '[force] (or --force) sends it anyway; send_document sends it as one file' },
  );
}

/** The sender, the recipient and the consent check; throws TgshError (the FAIL to show). */
export async function prepare(ctx: CommandContext, input: ParsedArgs, what: string): Promise<Prepared> {
  const notice = (t: string): void => ctx.notice(t);
  const sender = await ctx.services.botSender(notice, what);
  const store = await ctx.services.store(notice);
  const to = await resolveSendTarget(input.args.peer as PeerRef, { resolver: (n) => ctx.services.resolver(n), store, sender, notice, signal: ctx.signal });
  const refusal = consentGate(to.peer, store.settings.get('consent_policy'), forced(ctx, input));
  if (refusal) {
    const startLink = refusal === 'not_started' ? await sender.startLinkIfKnown() : undefined;
    const x = explainLocalRefusal(refusal, { ...explainBase(ctx, sender, to), startLink, when: to.peer?.consent?.at });
    throw new TgshError(x.code, x.error, x);
  }
  return { sender, store, to };
}

function explainBase(ctx: CommandContext, sender: BotSender, to: SendTarget): { name: string; isUser: boolean; apiRoot: string; maxWaitSeconds: number } {
  return { name: to.name, isUser: to.isUser, apiRoot: sender.apiRoot, maxWaitSeconds: ctx.config.maxWaitSeconds };
}

/** One message of a command: what is sent, and the options that differ from part to part. */
export interface Part {
  content: MessageContent;
  replyTo?: number;
  disablePreview?: boolean;
}

/**
 * Sends the parts in order, one answer each; stops at the first failure (its FAIL is the last
 * answer). Every outcome is recorded in the store (consent, names, membership).
 */
export async function sendParts(ctx: CommandContext, p: Prepared, parts: Part[]): Promise<Result[]> {
  const results: Result[] = [];
  let to = p.to;
  for (let i = 0; i < parts.length; i++) {
    const { content, replyTo, disablePreview } = parts[i];
    // What this identity can not send is refused here, in its words (the bot sends every kind today).
    const cannot = content.kind === 'text' ? undefined : cannotText(p.sender, content.kind);
    if (cannot !== undefined) {
      results.push(fail(ErrorCode.BAD_ARGUMENT, `${cannot}: not sent to ${to.name}`, { failure: 'usage' }));
      break;
    }
    const outcome = await p.sender.sendMessage(to.target, content, {
      replyTo,
      disablePreview,
      // [silent] and [topic=N]: every part, as the user's sends do.
      silent: ctx.modifiers.silent === true,
      threadId: ctx.modifiers.topic,
      signal: ctx.signal,
      maxWaitSeconds: ctx.config.maxWaitSeconds,
      onWait: (s) => ctx.notice(`tgsh: Telegram asks to wait ${s} s before sending to ${to.name} (429); waiting`),
    });
    const rec = recordSendOutcome(p.store, to.peer, outcome);
    if (rec && rec !== to.peer) to = { ...targetOfPeer(rec), target: to.target };
    if (!outcome.ok) {
      const needsLink = outcome.reason === 'not_started' || (outcome.reason === 'chat_not_found' && to.isUser);
      const startLink = needsLink ? await p.sender.startLinkIfKnown() : undefined;
      const x = explainSendFailure(outcome, {
        ...explainBase(ctx, p.sender, to),
        startLink,
        kind: content.kind,
        modifier: modifierOf(content.parseMode),
        replyTo,
        topic: ctx.modifiers.topic,
      });
      results.push(fail(x.code, x.error, x));
      break;
    }
    const inGroup = outcome.chatType === 'group' || outcome.chatType === 'supergroup';
    // Names as tgsh shows them everywhere (the store's), not as this answer spelled them.
    const message: MessageView = { ...outcome.message, chatName: to.name, fromName: inGroup ? await botName(p.sender) : undefined };
    results.push(parts.length > 1 ? { kind: 'sent', message, part: i + 1, parts: parts.length } : { kind: 'sent', message });
  }
  return results;
}
