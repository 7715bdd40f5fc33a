import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { InputFile } from 'grammy';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, COMMUNITY, refused, sandbox, type Sandbox } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tgsh-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A real w×h grey PNG. */
function png(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, 0x80);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.close();
});

describe('uploads through grammY InputFile (multipart/form-data, attach://)', () => {
  it('sendDocument from a Buffer and from a path keeps name, size and caption', async () => {
    const bytes = Buffer.from('id,name\n1,Alice\n');
    const fromBuffer = await sb.api.sendDocument(ALICE, new InputFile(bytes, 'my report (v2).csv'), {
      caption: '<b>Weekly</b> report',
      parse_mode: 'HTML',
    });
    expect(fromBuffer.document).toMatchObject({ file_name: 'my report (v2).csv', mime_type: 'text/csv', file_size: bytes.length });
    expect(fromBuffer.caption).toBe('Weekly report');
    expect(fromBuffer.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 6 }]);

    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'x'.repeat(70_000));
    const fromPath = await sb.api.sendDocument(ALICE, new InputFile(path));
    expect(fromPath.document).toMatchObject({ file_name: 'notes.txt', mime_type: 'text/plain', file_size: 70_000 });
    expect(fromPath.caption).toBeUndefined();

    const stored = sb.world.files.get(fromBuffer.document!.file_id)!;
    expect(Buffer.from(stored.bytes).equals(bytes)).toBe(true);
    // A file_id sends the same file again.
    const again = await sb.api.sendDocument(ALICE, fromBuffer.document!.file_id);
    expect(again.document).toEqual(fromBuffer.document);
    expect(sb.world.received(ALICE).map((m) => m.document?.file_name)).toEqual(['my report (v2).csv', 'notes.txt', 'my report (v2).csv']);
  });

  it('sendPhoto from a Buffer and from a path answers a PhotoSize array', async () => {
    const image = png(1000, 500);
    const m = await sb.api.sendPhoto(ALICE, new InputFile(image, 'pic.png'), { caption: 'A picture' });
    expect(m.photo!.map((p) => [p.width, p.height])).toEqual([
      [90, 45],
      [320, 160],
      [800, 400],
      [1000, 500],
    ]);
    expect(m.photo!.at(-1)!.file_size).toBe(image.length);
    expect(new Set(m.photo!.map((p) => p.file_id)).size).toBe(4);
    expect(m.caption).toBe('A picture');
    const stored = sb.world.files.get(m.photo!.at(-1)!.file_id)!;
    expect({ name: stored.name, size: stored.size, kind: stored.kind }).toEqual({ name: 'pic.png', size: image.length, kind: 'photo' });

    const path = join(dir, 'small.png');
    writeFileSync(path, png(40, 30));
    const small = await sb.api.sendPhoto(COMMUNITY, new InputFile(path));
    expect(small.photo!.map((p) => [p.width, p.height])).toEqual([[40, 30]]);
    expect(sb.world.received(COMMUNITY)[0].photo).toEqual(small.photo);
  });

  it('refuses what Telegram refuses', async () => {
    await refused(sb.api.sendPhoto(ALICE, new InputFile(Buffer.from('not an image'), 'x.jpg')), 400, 'Bad Request: IMAGE_PROCESS_FAILED');
    await refused(sb.api.sendDocument(ALICE, new InputFile(Buffer.alloc(0), 'empty.txt')), 400, 'Bad Request: file must be non-empty');
    await refused(sb.api.sendDocument(ALICE, 'no-such-file-id'), 400, 'Bad Request: wrong file identifier/HTTP URL specified');
    await refused(sb.api.sendDocument(ALICE, 'https://example.com/a.pdf'), 400, 'Bad Request: failed to get HTTP URL content');
    await refused(sb.api.raw.sendDocument({ chat_id: ALICE } as never), 400, 'Bad Request: there is no document in the request');
    await refused(sb.api.sendDocument(BOB, new InputFile(Buffer.from('x'), 'a.txt')), 403, 'Forbidden: bot was blocked by the user');
    const p = await sb.api.sendPhoto(ALICE, new InputFile(png(10, 10)));
    await refused(sb.api.sendDocument(ALICE, p.photo![0].file_id), 400, "Bad Request: can't use file of type Photo as Document");
    await refused(
      sb.api.sendPhoto(ALICE, new InputFile(png(10, 10)), { caption: 'c'.repeat(1025) }),
      400,
      'Bad Request: message caption is too long',
    );
    expect(sb.world.received(ALICE).length).toBe(1);
  });
});
