// Files are checked on this machine before anything is sent: missing or unreadable (FAIL 2), a
// folder, empty or over the Bot API's limits (FAIL 22); send_file picks photo or document.
import { afterAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLocalFile, readTextFile, uploadKindFor, DOCUMENT_MAX_BYTES, PHOTO_MAX_BYTES } from '../../../src/telegram/botapi/files.js';
import { startLink, startPayloadProblem } from '../../../src/telegram/botapi/start-link.js';

const dir = mkdtempSync(join(tmpdir(), 'tgsh-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sparse(name: string, size: number): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return p;
}

describe('checkLocalFile', () => {
  it('accepts a readable file within the limits', () => {
    const p = join(dir, 'a.txt');
    writeFileSync(p, 'abc');
    expect(checkLocalFile(p, 'document')).toEqual({ path: p, name: 'a.txt', size: 3 });
  });

  it('refuses what can not be sent, with the right code', () => {
    expect(checkLocalFile(join(dir, 'missing.txt'), 'document')).toMatchObject({ code: 2, error: expect.stringContaining('no such file') });
    expect(checkLocalFile(dir, 'document')).toMatchObject({ code: 22, error: expect.stringContaining('is a directory') });
    writeFileSync(join(dir, 'empty'), '');
    expect(checkLocalFile(join(dir, 'empty'), 'document')).toMatchObject({ code: 22, error: expect.stringContaining('empty') });
    expect(checkLocalFile(sparse('big.jpg', PHOTO_MAX_BYTES + 1), 'photo')).toMatchObject({ code: 22, hint: expect.stringContaining('send_document') });
    expect(checkLocalFile(sparse('huge.bin', DOCUMENT_MAX_BYTES + 1), 'document')).toMatchObject({ code: 22, error: expect.stringContaining('50 MB') });
  });

  it('send_file sends images as photos (when small enough) and the rest as documents', () => {
    expect(uploadKindFor('x.JPG', 100)).toBe('photo');
    expect(uploadKindFor('x.png', PHOTO_MAX_BYTES + 1)).toBe('document');
    expect(uploadKindFor('x.pdf', 100)).toBe('document');
  });

  it('send_text reads UTF-8 text and refuses binary files', () => {
    const t = join(dir, 'u.txt');
    writeFileSync(t, 'héllo\n');
    expect(readTextFile(t)).toEqual({ text: 'héllo\n' });
    const b = join(dir, 'b.bin');
    writeFileSync(b, Buffer.from([1, 0, 2]));
    expect(readTextFile(b)).toMatchObject({ code: 22, hint: expect.stringContaining('send_document') });
  });
});

describe('start links', () => {
  it('validates payloads: up to 64 of A-Z a-z 0-9 _ -', () => {
    expect(startPayloadProblem(undefined)).toBeUndefined();
    expect(startPayloadProblem('a-Z_9')).toBeUndefined();
    expect(startPayloadProblem('x'.repeat(64))).toBeUndefined();
    expect(startPayloadProblem('x'.repeat(65))).toMatch(/64/);
    expect(startPayloadProblem('a b')).toMatch(/letters/);
    expect(startLink('my_bot', 'p1')).toBe('https://t.me/my_bot?start=p1');
    expect(startLink('my_bot')).toBe('https://t.me/my_bot');
  });
});
