// load_photo / load_document / load_file <msg-id>: downloads a message's file into the download
// folder (--download-dir, TGSH_DOWNLOAD_DIR; the profile's downloads/ by default) and prints the
// saved path, as the user (upload.getFile).

import { join } from 'node:path';
import { ErrorCode, TgshError } from '../core/errors.js';
import type { CommandSpec } from './types.js';

function loader(name: string, want: 'photo' | 'document' | 'any', summary: string): CommandSpec {
  return {
    name,
    group: 'messages',
    args: [{ name: 'msg-id', kind: 'string' }],
    summary,
    help: 'Saves into --download-dir (env TGSH_DOWNLOAD_DIR), else the profile\'s downloads folder; a name already there gets " (1)". Prints the path.',
    async run(ctx, { args }) {
      const { actingIdentity, botCannot, userAccount, userMessage } = await import('./acting.js');
      if ((await actingIdentity(ctx, { botPath: false })) === 'bot') throw botCannot('download files of messages by id here', 'BOT_METHOD_INVALID');
      const [account, files] = await Promise.all([userAccount(ctx), import('../telegram/user/files.js')]);
      const m = await userMessage(ctx, account, args['msg-id'] as string);
      const media = m.tl?.media as { className?: string } | undefined;
      const isPhoto = media?.className === 'MessageMediaPhoto';
      const file = files.fileLocationOf(media, m.id);
      if (!file) throw new TgshError(ErrorCode.BAD_ARGUMENT, `message ${m.id} has no photo or document to load`);
      if (want === 'photo' && !isPhoto) throw new TgshError(ErrorCode.BAD_ARGUMENT, `message ${m.id} holds a document, not a photo`, { hint: 'use load_document (or load_file)' });
      if (want === 'document' && isPhoto) throw new TgshError(ErrorCode.BAD_ARGUMENT, `message ${m.id} holds a photo, not a document`, { hint: 'use load_photo (or load_file)' });
      const folder = ctx.config.downloadDir ?? join(ctx.services.paths.dir, 'downloads');
      const path = await files.downloadFile(account, file, folder, { notice: (t) => ctx.notice(t), signal: ctx.signal, peer: m.chat });
      return { kind: 'text', text: path, json: { result: 'SUCCESS', file: path } };
    },
  };
}

export const loadPhoto = loader('load_photo', 'photo', "Downloads a message's photo and prints the saved path (as the user)");
export const loadDocument = loader('load_document', 'document', "Downloads a message's document and prints the saved path (as the user)");
export const loadFile = loader('load_file', 'any', "Downloads a message's photo or document and prints the saved path (as the user)");
