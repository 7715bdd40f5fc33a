// Files for user accounts: upload.saveFilePart / saveBigFilePart (parts kept per auth key),
// the InputMedia of messages.sendMedia built from them, and upload.getFile for the photos and
// documents the world holds.

import { createHash } from 'node:crypto';
import type { AccountMedia } from '../../world/accounts.js';
import { imageSize } from '../../botapi/images.js';
import { rpcError } from '../errors.js';
import { Api, toBigInt } from '../gramjs.js';
import type { MethodContext, MethodTable } from './types.js';

/** Telegram's part rules: at most 512 KB a part; 4000 parts (small files), 8000 (big). */
const PART_MAX = 512 * 1024;
const PARTS_MAX_SMALL = 4000;
const PARTS_MAX_BIG = 8000;
/** upload.getFile's largest chunk. */
const CHUNK_MAX = 1024 * 1024;

function savePart(ctx: MethodContext, fileId: unknown, part: number, bytes: Buffer, maxParts: number): boolean {
  if (!Number.isInteger(part) || part < 0 || part >= maxParts) throw rpcError(400, 'FILE_PART_INVALID');
  if (bytes.length === 0) throw rpcError(400, 'FILE_PART_EMPTY');
  if (bytes.length > PART_MAX) throw rpcError(400, 'FILE_PART_TOO_BIG');
  const key = String(fileId);
  let parts = ctx.key.uploads.get(key);
  if (!parts) ctx.key.uploads.set(key, (parts = new Map()));
  parts.set(part, Buffer.from(bytes));
  return true;
}

/** The bytes of an uploaded InputFile / InputFileBig, every part present. */
function assemble(ctx: MethodContext, file: Api.TypeInputFile): { bytes: Buffer; name: string } {
  if (!(file instanceof Api.InputFile) && !(file instanceof Api.InputFileBig)) throw rpcError(400, 'MEDIA_INVALID');
  const parts = ctx.key.uploads.get(String(file.id));
  if (file.parts < 1 || file.parts > (file instanceof Api.InputFileBig ? PARTS_MAX_BIG : PARTS_MAX_SMALL)) throw rpcError(400, 'FILE_PARTS_INVALID');
  const chunks: Buffer[] = [];
  for (let i = 0; i < file.parts; i++) {
    const p = parts?.get(i);
    if (!p) throw rpcError(400, `FILE_PART_${i}_MISSING`);
    chunks.push(p);
  }
  const bytes = Buffer.concat(chunks);
  if (file instanceof Api.InputFile && file.md5Checksum && createHash('md5').update(bytes).digest('hex') !== file.md5Checksum.toLowerCase()) {
    throw rpcError(400, 'MD5_CHECKSUM_INVALID');
  }
  return { bytes, name: file.name };
}

function knownMedia(ctx: MethodContext, id: unknown, accessHash: unknown, kind: 'photo' | 'document'): AccountMedia {
  const m = ctx.world.accounts.media(toBigInt(id as string));
  if (!m || m.kind !== kind || m.accessHash !== toBigInt(accessHash as string)) throw rpcError(400, 'MEDIA_INVALID');
  return m;
}

/** The media of messages.sendMedia: a fresh upload (photo or document) or one the world already holds. */
export function uploadedMedia(ctx: MethodContext, input: Api.TypeInputMedia): AccountMedia {
  const w = ctx.world;
  const date = w.now();
  if (input instanceof Api.InputMediaUploadedPhoto) {
    const { bytes } = assemble(ctx, input.file);
    const size = imageSize(bytes);
    if (!size) throw rpcError(400, 'IMAGE_PROCESS_FAILED');
    return w.accounts.newMedia({ kind: 'photo', bytes, date, mimeType: 'image/jpeg', width: size.width, height: size.height });
  }
  if (input instanceof Api.InputMediaUploadedDocument) {
    const { bytes, name } = assemble(ctx, input.file);
    const attr = input.attributes.find((a): a is Api.DocumentAttributeFilename => a instanceof Api.DocumentAttributeFilename);
    return w.accounts.newMedia({ kind: 'document', bytes, date, mimeType: input.mimeType || 'application/octet-stream', name: attr?.fileName ?? name });
  }
  if (input instanceof Api.InputMediaPhoto && input.id instanceof Api.InputPhoto) return knownMedia(ctx, input.id.id, input.id.accessHash, 'photo');
  if (input instanceof Api.InputMediaDocument && input.id instanceof Api.InputDocument) return knownMedia(ctx, input.id.id, input.id.accessHash, 'document');
  throw rpcError(400, 'MEDIA_EMPTY');
}

function storageType(m: AccountMedia): Api.storage.TypeFileType {
  if (m.kind === 'photo' || m.mimeType === 'image/jpeg') return new Api.storage.FileJpeg();
  if (m.mimeType === 'image/png') return new Api.storage.FilePng();
  if (m.mimeType === 'image/gif') return new Api.storage.FileGif();
  if (m.mimeType === 'application/pdf') return new Api.storage.FilePdf();
  if (m.mimeType === 'video/mp4') return new Api.storage.FileMp4();
  return new Api.storage.FileUnknown();
}

export const uploadMethods: MethodTable = {
  'upload.saveFilePart': {
    login: true,
    run(req: Api.upload.SaveFilePart, ctx) {
      return savePart(ctx, req.fileId, req.filePart, req.bytes, PARTS_MAX_SMALL);
    },
  },

  'upload.saveBigFilePart': {
    login: true,
    run(req: Api.upload.SaveBigFilePart, ctx) {
      if (req.fileTotalParts < 1 || req.fileTotalParts > PARTS_MAX_BIG) throw rpcError(400, 'FILE_PARTS_INVALID');
      return savePart(ctx, req.fileId, req.filePart, req.bytes, req.fileTotalParts);
    },
  },

  'upload.getFile': {
    login: true,
    run(req: Api.upload.GetFile, ctx) {
      const loc = req.location;
      let kind: 'photo' | 'document';
      if (loc instanceof Api.InputPhotoFileLocation) kind = 'photo';
      else if (loc instanceof Api.InputDocumentFileLocation) kind = 'document';
      else throw rpcError(400, 'LOCATION_INVALID');
      const m = ctx.world.accounts.media(toBigInt(loc.id));
      if (!m || m.kind !== kind || m.accessHash !== toBigInt(loc.accessHash)) throw rpcError(400, 'FILE_ID_INVALID');
      if (!loc.fileReference?.length) throw rpcError(400, 'FILE_REFERENCE_EMPTY');
      if (!Buffer.from(loc.fileReference).equals(m.fileReference)) throw rpcError(400, 'FILE_REFERENCE_EXPIRED');
      const offset = Number(toBigInt(req.offset));
      const limit = req.limit;
      // Telegram's rules: offsets and limits in 4 KB steps (1 KB when precise), at most 1 MB,
      // and (unless precise) a chunk never crosses a 1 MB boundary.
      const step = req.precise ? 1024 : 4096;
      if (offset < 0 || offset % step !== 0) throw rpcError(400, 'OFFSET_INVALID');
      if (limit <= 0 || limit % step !== 0 || limit > CHUNK_MAX) throw rpcError(400, 'LIMIT_INVALID');
      if (!req.precise && (CHUNK_MAX % limit !== 0 || Math.floor(offset / CHUNK_MAX) !== Math.floor((offset + limit - 1) / CHUNK_MAX))) throw rpcError(400, 'LIMIT_INVALID');
      const bytes = Buffer.from(m.bytes.subarray(Math.min(offset, m.bytes.length), Math.min(offset + limit, m.bytes.length)));
      return new Api.upload.File({ type: storageType(m), mtime: m.date, bytes });
    },
  },
};
