// Files to send, checked on this machine before anything goes to Telegram: it exists, is a
// readable regular file, is not empty, and is within the Bot API's upload limits.

import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { ErrorCode } from '../../core/errors.js';

/** Bot API upload limits (multipart): photos 10 MB, other files 50 MB. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;

export type UploadKind = 'photo' | 'document';

export interface LocalFile {
  path: string;
  name: string;
  size: number;
}

/** Why a file can not be sent: code 2 (no such file / unreadable) or 22 (bad argument). */
export interface FileProblem {
  code: typeof ErrorCode.NO_SUCH_FILE | typeof ErrorCode.BAD_ARGUMENT;
  error: string;
  hint?: string;
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);

/** send_file's choice: images Telegram shows as photos go as photos (when small enough), the rest as documents. */
export function uploadKindFor(path: string, size: number): UploadKind {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase()) && size <= PHOTO_MAX_BYTES ? 'photo' : 'document';
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Stats and opens the file once (so an unreadable file fails here, not half-way through an upload). */
export function checkLocalFile(file: string, kind: UploadKind): LocalFile | FileProblem {
  const path = resolve(file);
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { code: ErrorCode.BAD_ARGUMENT, error: `'${file}' is a directory`, hint: 'give the path of a file' };
    if (!st.isFile()) return { code: ErrorCode.BAD_ARGUMENT, error: `'${file}' is not a regular file` };
    size = st.size;
    closeSync(openSync(path, 'r'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { code: ErrorCode.NO_SUCH_FILE, error: `no such file '${file}'` };
    if (code === 'EACCES' || code === 'EPERM') return { code: ErrorCode.NO_SUCH_FILE, error: `can not read '${file}': permission denied` };
    return { code: ErrorCode.NO_SUCH_FILE, error: `can not read '${file}': ${code ?? (e as Error).message}` };
  }
  if (size === 0) return { code: ErrorCode.BAD_ARGUMENT, error: `'${file}' is empty`, hint: 'Telegram does not take empty files' };
  const max = kind === 'photo' ? PHOTO_MAX_BYTES : DOCUMENT_MAX_BYTES;
  if (size > max) {
    const hint = kind === 'photo' ? 'send it with send_document (up to 50 MB)' : 'the Bot API takes files up to 50 MB';
    return { code: ErrorCode.BAD_ARGUMENT, error: `'${file}' is ${mb(size)}: larger than the ${mb(max)} Telegram takes for a ${kind}`, hint };
  }
  return { path, name: basename(path), size };
}

/** A text file's contents for send_text: UTF-8, not binary. */
export function readTextFile(file: string): { text: string } | FileProblem {
  const checked = checkLocalFile(file, 'document');
  if ('code' in checked) return checked;
  let buf: Buffer;
  try {
    buf = readFileSync(checked.path);
  } catch (e) {
    return { code: ErrorCode.NO_SUCH_FILE, error: `can not read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (buf.includes(0)) return { code: ErrorCode.BAD_ARGUMENT, error: `'${file}' is not a text file`, hint: `send it with send_document` };
  return { text: buf.toString('utf8') };
}
