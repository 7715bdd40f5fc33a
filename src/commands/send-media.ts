// send_video / send_audio <peer> <file> [caption]: a video or an audio file, as the user
// (messages.sendMedia) or through the bot (sendVideo, sendAudio).

import { fail } from './result.js';
import type { CommandSpec, Result } from './types.js';
import { FORCE_OPTION } from './msg.js';

function mediaCommand(kind: 'video' | 'audio', summary: string): CommandSpec {
  return {
    name: `send_${kind}`,
    group: 'messages',
    args: [
      { name: 'peer', kind: 'peer' },
      { name: 'file', kind: 'file_name' },
      { name: 'caption', kind: 'string_end', optional: true },
    ],
    options: [FORCE_OPTION],
    summary,
    async run(ctx, input): Promise<Result[] | Result> {
      const asUser = await (await import('./user-send.js')).asUser(ctx, input, `send_${kind}`);
      if (asUser) return asUser;
      const [{ parseModeOf, prepare, sendParts }, { checkLocalFile }] = await Promise.all([import('./sending.js'), import('../telegram/botapi/files.js')]);
      const checked = checkLocalFile(input.args.file as string, 'document');
      if ('code' in checked) return fail(checked.code, checked.error, { hint: checked.hint });
      const caption = (input.args.caption as string | undefined) ?? '';
      const mode = parseModeOf(ctx);
      const p = await prepare(ctx, input, `send_${kind}`);
      return sendParts(ctx, p, [{ content: { kind, file: { path: checked.path, name: checked.name }, caption: caption || undefined, parseMode: caption ? mode : undefined }, replyTo: ctx.modifiers.reply }]);
    },
  };
}

export const sendVideo = mediaCommand('video', 'Sends a video, with an optional caption');
export const sendAudio = mediaCommand('audio', 'Sends an audio file, with an optional caption');
