// MTProto TCP transports, server side, detected per connection from the first bytes:
// abridged (0xef), intermediate (0xeeeeeeee), padded intermediate (0xdddddddd), full (length,
// seq no, payload, CRC32; recognised by a zero seq no in bytes 4..8) and the obfuscated forms (a
// 64-byte AES-256-CTR init whose encrypted bytes 56..60 carry one of the three tags).

import { createCipheriv, createDecipheriv, randomBytes, type Cipher, type Decipher } from 'node:crypto';
import { crc32 } from './crc32.js';

export type TransportKind = 'full' | 'intermediate' | 'padded' | 'abridged';

export interface TransportInfo {
  kind: TransportKind;
  obfuscated: boolean;
}

/** A violation of the transport framing: the connection is closed. */
export class TransportError extends Error {}

/** Frames above this are refused (Telegram's own limit is about 1 MB per message). */
export const MAX_FRAME = 16 * 1024 * 1024;

const TAG_ABRIDGED = 0xefefefef;
const TAG_INTERMEDIATE = 0xeeeeeeee;
const TAG_PADDED = 0xdddddddd;

export class ServerTransport {
  private info?: TransportInfo;
  private pending: Buffer = Buffer.alloc(0);
  private decrypt?: Decipher;
  private encrypt?: Cipher;
  private recvSeq = 0;
  private sendSeq = 0;

  get detected(): TransportInfo | undefined {
    return this.info;
  }

  /** Feeds received bytes; returns the complete payloads now available. */
  feed(chunk: Buffer): Buffer[] {
    if (this.info && this.decrypt) chunk = this.decrypt.update(chunk);
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.info && !this.detect()) return [];
    const frames: Buffer[] = [];
    for (;;) {
      const f = this.nextFrame();
      if (!f) break;
      frames.push(f);
    }
    return frames;
  }

  /** Frames (and obfuscates) one payload for sending. */
  encode(payload: Buffer): Buffer {
    const info = this.info;
    if (!info) throw new TransportError('transport not detected yet');
    let out: Buffer;
    switch (info.kind) {
      case 'full': {
        const head = Buffer.allocUnsafe(8);
        head.writeInt32LE(payload.length + 12, 0);
        head.writeInt32LE(this.sendSeq++, 4);
        const crc = Buffer.allocUnsafe(4);
        crc.writeUInt32LE(crc32(head, payload), 0);
        out = Buffer.concat([head, payload, crc]);
        break;
      }
      case 'intermediate': {
        const head = Buffer.allocUnsafe(4);
        head.writeInt32LE(payload.length, 0);
        out = Buffer.concat([head, payload]);
        break;
      }
      case 'padded': {
        // Transport errors (4 bytes) go unpadded so that clients can recognise them.
        const pad = payload.length === 4 ? Buffer.alloc(0) : randomBytes(randomBytes(1)[0] % 16);
        const head = Buffer.allocUnsafe(4);
        head.writeInt32LE(payload.length + pad.length, 0);
        out = Buffer.concat([head, payload, pad]);
        break;
      }
      case 'abridged': {
        const words = payload.length >> 2;
        const head = words < 0x7f ? Buffer.from([words]) : Buffer.from([0x7f, words & 0xff, (words >> 8) & 0xff, (words >> 16) & 0xff]);
        out = Buffer.concat([head, payload]);
        break;
      }
    }
    return this.encrypt ? this.encrypt.update(out) : out;
  }

  private detect(): boolean {
    const b = this.pending;
    if (b.length < 1) return false;
    if (b[0] === 0xef) return this.choose({ kind: 'abridged', obfuscated: false }, 1);
    if (b.length < 4) return false;
    const first = b.readUInt32LE(0);
    if (first === TAG_INTERMEDIATE) return this.choose({ kind: 'intermediate', obfuscated: false }, 4);
    if (first === TAG_PADDED) return this.choose({ kind: 'padded', obfuscated: false }, 4);
    if (b.length < 8) return false;
    if (b.readUInt32LE(4) === 0) return this.choose({ kind: 'full', obfuscated: false }, 0);
    if (b.length < 64) return false;
    return this.detectObfuscated();
  }

  private detectObfuscated(): boolean {
    const init = this.pending.subarray(0, 64);
    const decrypt = createDecipheriv('aes-256-ctr', init.subarray(8, 40), init.subarray(40, 56));
    const reversed = Buffer.from(init.subarray(8, 56)).reverse();
    const encrypt = createCipheriv('aes-256-ctr', reversed.subarray(0, 32), reversed.subarray(32, 48));
    const plainInit = decrypt.update(init);
    const tag = plainInit.readUInt32LE(56);
    let kind: TransportKind;
    if (tag === TAG_ABRIDGED) kind = 'abridged';
    else if (tag === TAG_INTERMEDIATE) kind = 'intermediate';
    else if (tag === TAG_PADDED) kind = 'padded';
    else throw new TransportError('unknown transport');
    const rest = this.pending.subarray(64);
    this.decrypt = decrypt;
    this.encrypt = encrypt;
    this.info = { kind, obfuscated: true };
    this.pending = rest.length ? decrypt.update(rest) : Buffer.alloc(0);
    return true;
  }

  private choose(info: TransportInfo, skip: number): boolean {
    this.info = info;
    this.pending = this.pending.subarray(skip);
    return true;
  }

  private nextFrame(): Buffer | undefined {
    const b = this.pending;
    switch (this.info!.kind) {
      case 'full': {
        if (b.length < 4) return undefined;
        const len = b.readInt32LE(0);
        if (len < 12 || len > MAX_FRAME) throw new TransportError('bad full-transport length');
        if (b.length < len) return undefined;
        const seq = b.readInt32LE(4);
        if (seq !== this.recvSeq) throw new TransportError('bad full-transport seq no');
        const crc = b.readUInt32LE(len - 4);
        if (crc !== crc32(b.subarray(0, len - 4))) throw new TransportError('bad CRC32');
        this.recvSeq++;
        return this.take(8, len - 4, len);
      }
      case 'intermediate':
      case 'padded': {
        if (b.length < 4) return undefined;
        const len = b.readUInt32LE(0) & 0x7fffffff; // the top bit asks for a quick ack
        if (len > MAX_FRAME) throw new TransportError('bad intermediate length');
        if (b.length < 4 + len) return undefined;
        return this.take(4, 4 + len, 4 + len);
      }
      case 'abridged': {
        if (b.length < 1) return undefined;
        const first = b[0] & 0x7f; // the top bit asks for a quick ack
        let words: number;
        let head: number;
        if (first < 0x7f) {
          words = first;
          head = 1;
        } else {
          if (b.length < 4) return undefined;
          words = b.readUIntLE(1, 3);
          head = 4;
        }
        const len = words * 4;
        if (len > MAX_FRAME) throw new TransportError('bad abridged length');
        if (b.length < head + len) return undefined;
        return this.take(head, head + len, head + len);
      }
    }
  }

  private take(start: number, end: number, consumed: number): Buffer {
    const frame = Buffer.from(this.pending.subarray(start, end));
    this.pending = this.pending.subarray(consumed);
    return frame;
  }
}
