import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandSpec, OptionSpec } from './types.js';

/** `--force` on the send commands: the same as the `[force]` modifier. */
export const FORCE_OPTION: OptionSpec = {
  name: 'force',
  description: 'send even to a user who blocked the bot or sent /stop (and under consent_policy strict), and texts of more than 20 messages',
};

export const msg: CommandSpec = {
  name: 'msg',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer' },
    { name: 'text', kind: 'string_end' },
  ],
  options: [FORCE_OPTION],
  summary: 'Sends a text message (through the bot, or as the user: [as=user])',
  help: [
    'The peer: @username, a print name, user#N, a Bot API id (123, -4567, -1001234567890) or a $permanent id.',
    'An @username tgsh has not met is looked up first. Modifiers: [html], [markdown] (MarkdownV2),',
    '[disable_preview], [reply=<message id>], [silent] (no notification), [topic=N] (a topic of a forum',
    'supergroup), [force]; as the user also [schedule=TIME].',
    'Text over 4096 characters is sent as several messages, cut at paragraph, then line, then word',
    'boundaries (with [html]/[markdown] only where no markup is open); one answer per part. A text',
    'of more than 20 parts (about 80,000 characters) is refused unless [force].',
  ].join('\n'),
  async run(ctx, input): Promise<Result[] | Result> {
    const asUser = await (await import('./user-send.js')).asUser(ctx, input, 'msg');
    if (asUser) return asUser;
    const { modifierOf, parseModeOf, partsCapRefusal, prepare, sendParts } = await import('./sending.js');
    const text = input.args.text as string;
    const mode = parseModeOf(ctx);
    if (text.trim() === '') return fail(ErrorCode.BAD_ARGUMENT, 'the message is empty', { hint: 'give some text after the peer' });
    const { splitText } = await import('../telegram/botapi/split.js');
    const split = splitText(text, mode);
    if (!split.ok) return fail(ErrorCode.BAD_ARGUMENT, split.error, { hint: `split the text yourself, or send it without ${modifierOf(mode) ?? 'a parse mode'}` });
    const capped = await partsCapRefusal(ctx, input, 'the text', text.length, split.parts.length);
    if (capped) return capped;
    const p = await prepare(ctx, input, 'msg');
    const m = ctx.modifiers;
    return sendParts(
      ctx,
      p,
      split.parts.map((part, i) => ({
        content: { kind: 'text' as const, text: part, parseMode: mode },
        disablePreview: m.disablePreview === true,
        // Only the first part answers the message replied to.
        replyTo: i === 0 ? m.reply : undefined,
      })),
    );
  },
};
