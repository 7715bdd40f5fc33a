// send_photo, send_document, send_file, send_video, send_audio <peer> <file> [caption]: as the user
// (messages.sendMedia) or through the bot (sendPhoto, sendDocument, sendVideo, sendAudio).
import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandSpec } from './types.js';
import { FORCE_OPTION } from './msg.js';

/** `file` picks photo or document by the file; the others send as what they name. */
type Which = 'photo' | 'document' | 'file' | 'video' | 'audio';

function sendCommand(which: Which, summary: string): CommandSpec {
  return {
    name: `send_${which}`,
    group: 'messages',
    args: [
      { name: 'peer', kind: 'peer' },
      { name: 'file', kind: 'file_name' },
      { name: 'caption', kind: 'string_end', optional: true },
    ],
    options: [FORCE_OPTION],
    summary,
    help: 'Photos up to 10 MB, other files up to 50 MB (the Bot API limits); a caption holds 1024 characters. Modifiers: [html], [markdown], [reply=N], [silent], [topic=N], [force].',
    async run(ctx, input): Promise<Result[] | Result> {
      const asUser = await (await import('./user-send.js')).asUser(ctx, input, `send_${which}`);
      if (asUser) return asUser;
      const { parseModeOf, prepare, sendParts } = await import('./sending.js');
      const file = input.args.file as string;
      const caption = (input.args.caption as string | undefined) ?? '';
      const mode = parseModeOf(ctx);
      const [{ checkLocalFile, uploadKindFor, DOCUMENT_MAX_BYTES }, { splitText, CAPTION_LIMIT }] = await Promise.all([
        import('../telegram/botapi/files.js'),
        import('../telegram/botapi/split.js'),
      ]);
      let kind: 'photo' | 'document' | 'video' | 'audio' = which === 'file' ? 'document' : which;
      let checked = checkLocalFile(file, kind === 'photo' ? 'photo' : 'document');
      if (which === 'file' && !('code' in checked)) {
        kind = uploadKindFor(checked.path, checked.size);
        if (kind === 'photo') checked = checkLocalFile(file, 'photo');
      }
      if ('code' in checked) return fail(checked.code, checked.error, { hint: checked.hint });
      if (checked.size > DOCUMENT_MAX_BYTES) return fail(ErrorCode.BAD_ARGUMENT, `'${file}' is too large`);
      if (caption !== '') {
        const c = splitText(caption, mode, CAPTION_LIMIT);
        if (!c.ok || c.parts.length > 1) return fail(ErrorCode.BAD_ARGUMENT, `the caption is longer than ${CAPTION_LIMIT} characters`, { hint: 'shorten it, or send the text with msg' });
      }
      const p = await prepare(ctx, input, `send_${which}`);
      return sendParts(ctx, p, [
        { content: { kind, file: { path: checked.path, name: checked.name }, caption: caption || undefined, parseMode: caption ? mode : undefined }, replyTo: ctx.modifiers.reply },
      ]);
    },
  };
}

export const sendPhoto = sendCommand('photo', 'Sends an image as a photo, with an optional caption');
export const sendDocument = sendCommand('document', 'Sends a file as a document, with an optional caption');
export const sendFile = sendCommand('file', 'Sends a file: images as photos, anything else as a document');
export const sendVideo = sendCommand('video', 'Sends a video, with an optional caption');
export const sendAudio = sendCommand('audio', 'Sends an audio file, with an optional caption');
