import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandSpec } from './types.js';

export const startLinkCommand: CommandSpec = {
  name: 'start_link',
  group: 'messages',
  args: [{ name: 'payload', kind: 'string', optional: true }],
  summary: "Prints the bot's start link (and a QR code of it on a terminal)",
  help: [
    'https://t.me/<bot>?start=<payload>: whoever opens it and presses Start has started the bot, and',
    "the bot may write to them ('sync' records it, with the payload). A payload is up to 64 of",
    'A-Z a-z 0-9 _ -, for example to tell where people came from.',
  ].join('\n'),
  async run(ctx, { args }): Promise<Result> {
    const payload = args.payload as string | undefined;
    const { startPayloadProblem } = await import('../telegram/botapi/start-link.js');
    const problem = startPayloadProblem(payload);
    if (problem) return fail(ErrorCode.BAD_ARGUMENT, problem, { hint: 'for example: start_link newsletter_2024' });
    const sender = await ctx.services.botSender((t) => ctx.notice(t), 'start_link');
    const me = await sender.me(ctx.signal);
    const link = await sender.startLink(payload, ctx.signal);
    const onTerminal = !ctx.config.json && (ctx.mode === 'interactive' || ctx.terminal.isTTY);
    let text = link;
    if (onTerminal) {
      const { renderUnicodeCompact } = await import('uqr');
      text += '\n' + renderUnicodeCompact(link).replace(/\n+$/, '');
    }
    return { kind: 'text', text, json: { result: 'SUCCESS', start_link: link, bot: me.username, payload: payload ?? null } };
  },
};
