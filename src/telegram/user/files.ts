// Files of a user account: upload.saveFilePart (saveBigFilePart above 10 MB) in 512 KB parts,
// and upload.getFile in 512 KB chunks into the download folder. Each part is one call on the
// shared link, flood waits and failures as every call.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ErrorCode, TgshError } from '../../core/errors.js';
import { Api } from '../mtproto/index.js';
import { long, type CallOptions, type UserAccount } from './account.js';
import type { TlObject } from '../resolver/tl-peers.js';

const PART = 512 * 1024;
const BIG = 10 * 1024 * 1024;
/** Telegram's largest upload for an account without Premium. */
export const MAX_UPLOAD = 2000 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.txt': 'text/plain',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.json': 'application/json',
};

export function mimeOf(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Uploads a file; returns the InputFile a sendMedia takes. */
export async function uploadFile(account: UserAccount, path: string, o: CallOptions): Promise<Api.TypeInputFile> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new TgshError(ErrorCode.NO_SUCH_FILE, `can not read '${path}': no such file`, { hint: 'check the path (relative paths are from the folder tgsh was started in)' });
  }
  if (size === 0) throw new TgshError(ErrorCode.BAD_ARGUMENT, `'${path}' is empty: Telegram does not take empty files`);
  if (size > MAX_UPLOAD) throw new TgshError(ErrorCode.BAD_ARGUMENT, `'${path}' is larger than the 2000 MB Telegram takes from an account`);
  const fileId = long(randomBytes(8).readBigInt64LE());
  const parts = Math.ceil(size / PART);
  const big = size > BIG;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(PART);
    for (let part = 0; part < parts; part++) {
      const { bytesRead } = await fh.read(buf, 0, PART, part * PART);
      const bytes = Buffer.from(buf.subarray(0, bytesRead));
      const request = big ? new Api.upload.SaveBigFilePart({ fileId, filePart: part, fileTotalParts: parts, bytes }) : new Api.upload.SaveFilePart({ fileId, filePart: part, bytes });
      await account.call(`uploading '${basename(path)}' (part ${part + 1} of ${parts})`, request, o);
    }
  } finally {
    await fh.close();
  }
  const name = basename(path);
  return big ? new Api.InputFileBig({ id: fileId, parts, name }) : new Api.InputFile({ id: fileId, parts, name, md5Checksum: '' });
}

/** The location and a file name of a message's photo or document (undefined: no file in it). */
export function fileLocationOf(media: TlObject | null | undefined, messageId: number): { location: Api.TypeInputFileLocation; name: string; size?: number } | undefined {
  if (media?.className === 'MessageMediaPhoto') {
    const p = media.photo as Api.Photo | undefined;
    if (!p || !(p instanceof Api.Photo)) return undefined;
    // The largest size Telegram keeps.
    const sizes = p.sizes.filter((s): s is Api.PhotoSize => s instanceof Api.PhotoSize);
    const best = sizes.sort((a, b) => b.size - a.size)[0];
    const thumbSize = best?.type ?? 'y';
    return { location: new Api.InputPhotoFileLocation({ id: p.id, accessHash: p.accessHash, fileReference: p.fileReference, thumbSize }), name: `photo_${messageId}.jpg`, size: best?.size };
  }
  if (media?.className === 'MessageMediaDocument') {
    const d = media.document as Api.Document | undefined;
    if (!d || !(d instanceof Api.Document)) return undefined;
    const attr = d.attributes.find((a): a is Api.DocumentAttributeFilename => a instanceof Api.DocumentAttributeFilename);
    const name = attr?.fileName ? basename(attr.fileName) : `document_${messageId}${extOfMime(d.mimeType)}`;
    return { location: new Api.InputDocumentFileLocation({ id: d.id, accessHash: d.accessHash, fileReference: d.fileReference, thumbSize: '' }), name, size: Number(String(d.size)) };
  }
  return undefined;
}

function extOfMime(mime: string): string {
  return Object.entries(MIME).find(([, m]) => m === mime)?.[0] ?? '';
}

/** A path in `folder` for `name` that does not exist yet (`name (1).ext`, ...). */
async function freePath(folder: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length) || 'file';
  for (let i = 0; ; i++) {
    const p = join(folder, i === 0 ? `${stem}${ext}` : `${stem} (${i})${ext}`);
    try {
      await stat(p);
    } catch {
      return p;
    }
  }
}

/** Downloads a file into `folder`; returns the saved path. Written to a .part file, renamed when whole. */
export async function downloadFile(account: UserAccount, file: { location: Api.TypeInputFileLocation; name: string }, folder: string, o: CallOptions): Promise<string> {
  await mkdir(folder, { recursive: true });
  const target = await freePath(folder, file.name);
  const partial = `${target}.part`;
  const out = createWriteStream(partial, { mode: 0o600 });
  try {
    for (let offset = 0; ; offset += PART) {
      const r: Api.upload.TypeFile = await account.call(`downloading '${file.name}'`, new Api.upload.GetFile({ location: file.location, offset: long(offset), limit: PART }), o);
      if (!(r instanceof Api.upload.File)) throw new TgshError(ErrorCode.SERVER, 'Telegram sent the file from a CDN, which tgsh does not download from yet');
      if (r.bytes.length > 0 && !out.write(r.bytes)) await new Promise<void>((res) => out.once('drain', () => res()));
      if (r.bytes.length < PART) break;
    }
  } finally {
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  }
  await rename(partial, target);
  return target;
}
