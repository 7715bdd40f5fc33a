// Files from a user account: upload.saveFilePart, messages.sendMedia (document and photo, with
// caption), upload.getFile giving back the same bytes, and the errors of each.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { invokeWithTimeout, type MtprotoClient } from '../../../src/telegram/mtproto/index.js';
import { accountWorld, ALICE, EXAMPLE, inputUser, loginAs, randomId } from './account-helpers.js';
import { Api, Cleanup, failure, long, startTestServer } from './helpers.js';
import { pngHeader as png } from '../../helpers/images.js';

const cleanup = new Cleanup();
let server: MtprotoServer;
let me: MtprotoClient;
let fileCounter = 7000;

beforeAll(async () => {
  server = cleanup.server(await startTestServer({ world: accountWorld() }));
  me = cleanup.client(await loginAs(server, EXAMPLE));
});
afterAll(() => cleanup.run());

/** Uploads in parts of `partSize`; returns the file id. */
async function upload(bytes: Buffer, partSize = 1024, skip?: number) {
  const fileId = long(++fileCounter);
  for (let part = 0, off = 0; off < bytes.length; part++, off += partSize) {
    if (part === skip) continue;
    expect(await invokeWithTimeout(me, new Api.upload.SaveFilePart({ fileId, filePart: part, bytes: bytes.subarray(off, off + partSize) }))).toBe(true);
  }
  return { fileId, parts: Math.ceil(bytes.length / partSize) };
}

function sendMedia(media: Api.TypeInputMedia, message = '') {
  return invokeWithTimeout(me, new Api.messages.SendMedia({ peer: inputUser(server, ALICE), media, message, randomId: randomId() })) as Promise<Api.Updates>;
}

function getFile(location: Api.TypeInputFileLocation, offset: number, limit: number) {
  return invokeWithTimeout(me, new Api.upload.GetFile({ location, offset: long(offset), limit })) as Promise<Api.upload.File>;
}

describe('MTProto data centre: files of a user account', () => {
  it('sends an uploaded document with its caption and gives the same bytes back by upload.getFile', async () => {
    const bytes = randomBytes(6000);
    const { fileId, parts } = await upload(bytes);
    const r = await sendMedia(
      new Api.InputMediaUploadedDocument({
        file: new Api.InputFile({ id: fileId, parts, name: 'notes.bin', md5Checksum: '' }),
        mimeType: 'application/octet-stream',
        attributes: [new Api.DocumentAttributeFilename({ fileName: 'notes.bin' })],
      }),
      'the notes',
    );
    const msg = (r.updates.find((u) => u instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage).message as Api.Message;
    expect(msg.message).toBe('the notes');
    const doc = (msg.media as Api.MessageMediaDocument).document as Api.Document;
    expect(Number(doc.size)).toBe(6000);
    expect((doc.attributes[0] as Api.DocumentAttributeFilename).fileName).toBe('notes.bin');
    const location = new Api.InputDocumentFileLocation({ id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' });
    const first = await getFile(location, 0, 4096);
    const second = await getFile(location, 4096, 4096);
    expect(first.bytes.length).toBe(4096);
    expect(Buffer.concat([first.bytes, second.bytes]).equals(bytes)).toBe(true);
    // Alice's copy holds the same document.
    const alices = server.world.accounts.account(ALICE).history({ type: 'user', id: EXAMPLE }).at(-1)!;
    expect([alices.text, alices.media?.id.toString()]).toEqual(['the notes', doc.id.toString()]);

    // Telegram's download rules and a stale reference.
    expect((await failure(getFile(location, 100, 4096))).errorMessage).toBe('OFFSET_INVALID');
    expect((await failure(getFile(location, 0, 5000))).errorMessage).toBe('LIMIT_INVALID');
    const stale = new Api.InputDocumentFileLocation({ id: doc.id, accessHash: doc.accessHash, fileReference: Buffer.from('old'), thumbSize: '' });
    expect((await failure(getFile(stale, 0, 4096))).errorMessage).toBe('FILE_REFERENCE_EXPIRED');
    const wrong = new Api.InputDocumentFileLocation({ id: doc.id, accessHash: long(1), fileReference: doc.fileReference, thumbSize: '' });
    expect((await failure(getFile(wrong, 0, 4096))).errorMessage).toBe('FILE_ID_INVALID');
  });

  it('sends an uploaded photo with its size, and refuses what is not an image', async () => {
    const { fileId, parts } = await upload(png(640, 480));
    const r = await sendMedia(new Api.InputMediaUploadedPhoto({ file: new Api.InputFile({ id: fileId, parts, name: 'p.png', md5Checksum: '' }) }));
    const msg = (r.updates.find((u) => u instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage).message as Api.Message;
    const photo = (msg.media as Api.MessageMediaPhoto).photo as Api.Photo;
    const size = photo.sizes[0] as Api.PhotoSize;
    expect([size.w, size.h]).toEqual([640, 480]);
    const got = await getFile(new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: photo.fileReference, thumbSize: 'y' }), 0, 4096);
    expect(got.bytes.equals(png(640, 480))).toBe(true);
    expect(got.type).toBeInstanceOf(Api.storage.FileJpeg);

    const text = await upload(Buffer.from('not an image at all'));
    const e = await failure(sendMedia(new Api.InputMediaUploadedPhoto({ file: new Api.InputFile({ id: text.fileId, parts: text.parts, name: 'x.jpg', md5Checksum: '' }) })));
    expect(e.errorMessage).toBe('IMAGE_PROCESS_FAILED');
  });

  it('names the missing part, and refuses a caption over 1024 characters', async () => {
    const bytes = randomBytes(3000);
    const gap = await upload(bytes, 1024, 1);
    const e = await failure(sendMedia(new Api.InputMediaUploadedDocument({ file: new Api.InputFile({ id: gap.fileId, parts: gap.parts, name: 'a', md5Checksum: '' }), mimeType: 'text/plain', attributes: [] })));
    expect(e.errorMessage).toBe('FILE_PART_1_MISSING');
    const whole = await upload(bytes);
    const doc = new Api.InputMediaUploadedDocument({ file: new Api.InputFile({ id: whole.fileId, parts: whole.parts, name: 'a', md5Checksum: '' }), mimeType: 'text/plain', attributes: [] });
    expect((await failure(sendMedia(doc, 'c'.repeat(1025)))).errorMessage).toBe('MEDIA_CAPTION_TOO_LONG');
    expect((await failure(invokeWithTimeout(me, new Api.upload.SaveFilePart({ fileId: long(1), filePart: 0, bytes: Buffer.alloc(0) })))).errorMessage).toBe('FILE_PART_EMPTY');
  });
});
