// A low-level MTProto client for protocol tests, built from GramJS's own parts (its TCP full
// connection, Authenticator, MTProtoState for encryption and message ids), so that each message
// the test sends is exactly what GramJS would put on the wire, minus GramJS's automatic handling.

import { doAuthentication } from 'telegram/network/Authenticator.js';
import { MTProtoPlainSender } from 'telegram/network/MTProtoPlainSender.js';
import { MTProtoState } from 'telegram/network/MTProtoState.js';
import { ConnectionTCPFull } from 'telegram/network/connection/index.js';
import { BinaryWriter } from 'telegram/extensions/BinaryWriter.js';
import { PromisedNetSockets } from 'telegram/extensions/index.js';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import type { AuthKey } from 'telegram/crypto/AuthKey.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { trustServerKey } from '../../../src/telegram/mtproto/index.js';

const log = new Logger(LogLevel.NONE);

export interface Received {
  msgId: bigint;
  seqNo: number;
  obj: any;
}

export class RawClient {
  readonly state: MTProtoState;
  private inbox: Received[] = [];
  transportErrors: number[] = [];

  private constructor(
    readonly conn: ConnectionTCPFull,
    readonly authKey: AuthKey,
    timeOffset: number,
  ) {
    this.state = new MTProtoState(authKey, log);
    this.state.timeOffset = timeOffset;
  }

  static async open(server: MtprotoServer, authKey?: AuthKey): Promise<RawClient> {
    trustServerKey(server.rsaPublicKeyPem);
    const conn = new ConnectionTCPFull({ ip: server.host, port: server.port, dcId: 2, loggers: log, socket: PromisedNetSockets, testServers: false } as any);
    await conn.connect();
    if (authKey) return new RawClient(conn, authKey, 0);
    const res = await doAuthentication(new MTProtoPlainSender(conn, log), log);
    return new RawClient(conn, res.authKey, res.timeOffset);
  }

  /** Encrypts and sends one message (or a container of several); returns the message ids. */
  async send(items: { body: Buffer; contentRelated?: boolean }[], opts: { container?: boolean } = {}): Promise<bigint[]> {
    const ids: bigint[] = [];
    const w = new BinaryWriter(Buffer.alloc(0));
    for (const it of items) ids.push(BigInt((await this.state.writeDataAsMessage(w, it.body, it.contentRelated ?? true)).toString()));
    let data = w.getValue();
    if (opts.container ?? items.length > 1) {
      const head = Buffer.alloc(8);
      head.writeUInt32LE(0x73f1f8dc, 0);
      head.writeInt32LE(items.length, 4);
      const outer = new BinaryWriter(Buffer.alloc(0));
      ids.push(BigInt((await this.state.writeDataAsMessage(outer, Buffer.concat([head, data]), false)).toString()));
      data = outer.getValue();
    }
    await this.sendEncrypted(await this.state.encryptMessageData(data));
    return ids;
  }

  async sendEncrypted(packet: Buffer): Promise<void> {
    await this.conn.send(packet);
  }

  /** Next message (containers flattened, gzip unpacked); rejects after ms. */
  async next(ms = 3000): Promise<Received> {
    const deadline = Date.now() + ms;
    while (!this.inbox.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no message from the server');
      let timer: NodeJS.Timeout | undefined;
      const packet: Buffer | undefined = await Promise.race([
        this.conn.recv(),
        new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), left))),
      ]).finally(() => clearTimeout(timer));
      if (!packet) continue;
      if (packet.length === 4) {
        this.transportErrors.push(packet.readInt32LE(0));
        continue;
      }
      const m = await this.state.decryptMessageData(packet);
      await this.flatten(BigInt(m.msgId.toString()), (m as any).seqNo, await m.obj);
    }
    return this.inbox.shift()!;
  }

  /** Waits for a message matching pred, keeping the others. */
  async waitFor(pred: (m: Received) => boolean, ms = 3000): Promise<Received> {
    const skipped: Received[] = [];
    try {
      for (;;) {
        const m = await this.next(ms);
        if (pred(m)) return m;
        skipped.push(m);
      }
    } finally {
      this.inbox.unshift(...skipped);
    }
  }

  /** Every message that arrives within ms. */
  async drain(ms = 300): Promise<Received[]> {
    const out: Received[] = [];
    for (;;) {
      try {
        out.push(await this.next(ms));
      } catch {
        return out;
      }
    }
  }

  private async flatten(msgId: bigint, seqNo: number, obj: any): Promise<void> {
    if (obj?.className === undefined && Array.isArray(obj?.messages)) {
      for (const inner of obj.messages) await this.flatten(BigInt(inner.msgId.toString()), inner.seqNo, await inner.obj);
      return;
    }
    if (obj?.CONSTRUCTOR_ID === 0x3072cfa1) {
      const { BinaryReader } = await import('telegram/extensions/BinaryReader.js');
      return this.flatten(msgId, seqNo, await new BinaryReader(obj.data).tgReadObject());
    }
    this.inbox.push({ msgId, seqNo, obj });
  }

  async close(): Promise<void> {
    await this.conn.disconnect();
  }
}
