// A client at the layer @mtcute/tl ships (not GramJS's): GramJS's raw transport and encryption
// carry the bytes (raw-client.ts), but every TL object it sends or reads is encoded and decoded by
// mtcute's generated readers and writers for that layer, a codec independent of the data centre's.

import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { IGE } from 'telegram/crypto/IGE.js';
import { returnBigInt } from 'telegram/Helpers.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { RawClient } from './raw-client.js';

const require = createRequire(import.meta.url);
const readers = require('@mtcute/tl/binary/reader.js').__tlReaderMap as Record<number, (r: unknown) => any>;
const writers = require('@mtcute/tl/binary/writer.js').__tlWriterMap as Record<string, (w: unknown, v: unknown) => void>;
export const MTCUTE_PACKAGE_VERSION = (require('@mtcute/tl/package.json') as { version: string }).version;

const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

export type TlObj = { _: string; [k: string]: any };

/** mtcute's TL for one object (longs as bigint, int53 as number, strings as text). */
export function encode(obj: TlObj): Buffer {
  const parts: Buffer[] = [];
  const num = (n: number, signed: boolean) => {
    const b = Buffer.alloc(4);
    if (signed) b.writeInt32LE(n | 0);
    else b.writeUInt32LE(n >>> 0);
    parts.push(b);
  };
  const bytes = (data: Buffer) => {
    const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, data.length & 255, (data.length >> 8) & 255, (data.length >> 16) & 255]);
    const pad = (4 - ((head.length + data.length) % 4)) % 4;
    parts.push(head, data, Buffer.alloc(pad));
  };
  const long = (v: bigint | number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)));
    parts.push(b);
  };
  const w = {
    uint: (n: number) => num(n, false),
    int: (n: number) => num(n, true),
    long,
    int53: long,
    double: (d: number) => {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(d);
      parts.push(b);
    },
    boolean: (v: boolean) => num(v ? BOOL_TRUE : BOOL_FALSE, false),
    string: (s: string) => bytes(Buffer.from(s, 'utf8')),
    bytes: (b: Uint8Array) => bytes(Buffer.from(b)),
    int128: (b: Uint8Array) => parts.push(Buffer.from(b)),
    int256: (b: Uint8Array) => parts.push(Buffer.from(b)),
    raw: (b: Uint8Array) => parts.push(Buffer.from(b)),
    object: (o: TlObj) => {
      const fn = writers[o._];
      if (!fn) throw new Error(`no ${o._} in mtcute's layer`);
      fn(w, o);
    },
    vector: (fn: (x: unknown) => void, list: unknown[]) => {
      num(VECTOR, false);
      num(list.length, true);
      for (const x of list) fn(x);
    },
  };
  w.object(obj);
  return Buffer.concat(parts);
}

/** Decodes one boxed object (Vector<...> included) with mtcute's readers. */
export function decode(buf: Buffer): any {
  let pos = 0;
  const r = {
    uint: () => ((pos += 4), buf.readUInt32LE(pos - 4)),
    int: () => ((pos += 4), buf.readInt32LE(pos - 4)),
    long: () => ((pos += 8), buf.readBigInt64LE(pos - 8)),
    int53: () => ((pos += 8), Number(buf.readBigInt64LE(pos - 8))),
    double: () => ((pos += 8), buf.readDoubleLE(pos - 8)),
    boolean: () => r.uint() === BOOL_TRUE,
    raw: (n: number) => ((pos += n), buf.subarray(pos - n, pos)),
    int128: () => r.raw(16),
    int256: () => r.raw(32),
    bytes: () => {
      let len = buf[pos]!;
      let head = 1;
      if (len === 254) {
        len = buf.readUIntLE(pos + 1, 3);
        head = 4;
      }
      const out = buf.subarray(pos + head, pos + head + len);
      pos += head + len + ((4 - ((head + len) % 4)) % 4);
      return Buffer.from(out);
    },
    string: () => r.bytes().toString('utf8'),
    object: (): any => {
      const id = r.uint();
      if (id === VECTOR) {
        const n = r.int();
        return Array.from({ length: n }, () => r.object());
      }
      if (id === BOOL_TRUE || id === BOOL_FALSE) return id === BOOL_TRUE;
      const fn = readers[id];
      if (!fn) throw new Error(`constructor ${id.toString(16)} is not in mtcute's layer`);
      return fn(r);
    },
    vector: (fn: () => unknown) => {
      if (r.uint() !== VECTOR) throw new Error('expected a vector');
      const n = r.int();
      return Array.from({ length: n }, () => fn());
    },
  };
  return r.object();
}

export interface LayerMessage {
  msgId: bigint;
  /** The result's bytes (rpc_result) or the message's. */
  bytes: Buffer;
  reqMsgId?: bigint;
  obj: any;
}

export class LayerClient {
  private inbox: LayerMessage[] = [];
  private constructor(readonly raw: RawClient) {}

  static async open(server: MtprotoServer): Promise<LayerClient> {
    return new LayerClient(await RawClient.open(server));
  }

  async send(obj: TlObj): Promise<bigint> {
    const [id] = await this.raw.send([{ body: encode(obj) }]);
    return id!;
  }

  /** Sends a request (learning the salt first if need be) and decodes its result. */
  async call(obj: TlObj, ms = 5000): Promise<any> {
    let id = await this.send(obj);
    for (;;) {
      const m = await this.waitFor((x) => x.reqMsgId === id || x.obj?._ === 'mt_bad_server_salt', ms);
      if (m.obj?._ === 'mt_bad_server_salt') {
        this.raw.state.salt = returnBigInt(m.obj.newServerSalt.toString());
        id = await this.send(obj);
        continue;
      }
      return m.obj;
    }
  }

  async waitFor(pred: (m: LayerMessage) => boolean, ms = 5000): Promise<LayerMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no such message from the server');
      let timer: NodeJS.Timeout | undefined;
      const packet: Buffer | undefined = await Promise.race([
        this.raw.conn.recv(),
        new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), left))),
      ]).finally(() => clearTimeout(timer));
      if (packet && packet.length > 4) await this.receive(packet);
    }
  }

  /** Every message kept so far that was not waited for. */
  get pending(): LayerMessage[] {
    return this.inbox;
  }

  private async receive(packet: Buffer): Promise<void> {
    const authKey = this.raw.authKey.getKey()!;
    const msgKey = packet.subarray(8, 24);
    const { iv, key } = await (this.raw.state as any)._calcKey(authKey, msgKey, false);
    const plain: Buffer = new IGE(key, iv).decryptIge(packet.subarray(24)) as Buffer;
    const msgId = plain.readBigInt64LE(16);
    const len = plain.readInt32LE(28);
    this.flatten(msgId, plain.subarray(32, 32 + len));
  }

  private flatten(msgId: bigint, body: Buffer): void {
    const ctor = body.readUInt32LE(0);
    if (ctor === 0x73f1f8dc) {
      let pos = 8;
      for (let i = 0, n = body.readInt32LE(4); i < n; i++) {
        const id = body.readBigInt64LE(pos);
        const len = body.readInt32LE(pos + 12);
        this.flatten(id, body.subarray(pos + 16, pos + 16 + len));
        pos += 16 + len;
      }
      return;
    }
    if (ctor === 0x3072cfa1) {
      const inner = decodeBytesAt(body, 4);
      this.flatten(msgId, gunzipSync(inner));
      return;
    }
    if (ctor === 0xf35c6d01) {
      const reqMsgId = body.readBigInt64LE(4);
      let bytes = body.subarray(12);
      if (bytes.readUInt32LE(0) === 0x3072cfa1) bytes = gunzipSync(decodeBytesAt(bytes, 4));
      this.inbox.push({ msgId, reqMsgId, bytes, obj: decode(bytes) });
      return;
    }
    this.inbox.push({ msgId, bytes: body, obj: decode(body) });
  }

  async close(): Promise<void> {
    await this.raw.close();
  }
}

function decodeBytesAt(b: Buffer, pos: number): Buffer {
  let len = b[pos]!;
  let head = 1;
  if (len === 254) {
    len = b.readUIntLE(pos + 1, 3);
    head = 4;
  }
  return b.subarray(pos + head, pos + head + len);
}
