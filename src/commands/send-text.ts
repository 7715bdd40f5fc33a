import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandSpec } from './types.js';
import { FORCE_OPTION } from './msg.js';

export const sendText: CommandSpec = {
  name: 'send_text',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer' },
    { name: 'file', kind: 'file_name' },
  ],
  options: [FORCE_OPTION],
  summary: "Sends a text file's contents as a message (split like msg when long)",
  help: 'The file is read as UTF-8. Modifiers as for msg; more than 20 parts (about 80,000 characters) only with [force].',
  async run(ctx, input): Promise<Result[] | Result> {
    const asUser = await (await import('./user-send.js')).asUser(ctx, input, 'send_text');
    if (asUser) return asUser;
    const { modifierOf, parseModeOf, partsCapRefusal, prepare, sendParts } = await import('./sending.js');
    const file = input.args.file as string;
    const mode = parseModeOf(ctx);
    const [{ readTextFile }, { splitText }] = await Promise.all([import('../telegram/botapi/files.js'), import('../telegram/botapi/split.js')]);
    const read = readTextFile(file);
    if ('code' in read) return fail(read.code, read.error, { hint: read.hint });
    if (read.text.trim() === '') return fail(ErrorCode.BAD_ARGUMENT, `'${file}' holds no text`, { hint: 'Telegram does not send empty messages' });
    const split = splitText(read.text, mode);
    if (!split.ok) return fail(ErrorCode.BAD_ARGUMENT, split.error, { hint: `split the file yourself, or send it without ${modifierOf(mode) ?? 'a parse mode'}` });
    const capped = await partsCapRefusal(ctx, input, `'${file}'`, read.text.length, split.parts.length);
    if (capped) return capped;
    const p = await prepare(ctx, input, 'send_text');
    const m = ctx.modifiers;
    return sendParts(
      ctx,
      p,
      split.parts.map((part, i) => ({ content: { kind: 'text' as const, text: part, parseMode: mode }, disablePreview: m.disablePreview === true, replyTo: i === 0 ? m.reply : undefined })),
    );
  },
};
