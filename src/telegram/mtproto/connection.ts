// GramJS connection classes for tgsh: every transport MTProto has over TCP (GramJS itself has
// full, abridged and obfuscated-abridged only), forced to one host:port (GramJS's connect()
// dials port 80 whatever the session says), and watching for the transport error -404 (the server
// does not know the auth key), on which GramJS would otherwise hang.

import { randomBytes } from 'node:crypto';
import { ConnectionTCPAbridged, ConnectionTCPFull, ConnectionTCPObfuscated } from 'telegram/network/connection/index.js';
import { PacketCodec } from 'telegram/network/connection/Connection.js';

export type MtprotoTransport =
  | 'full'
  | 'intermediate'
  | 'padded'
  | 'abridged'
  | 'obfuscated'
  | 'obfuscated-intermediate'
  | 'obfuscated-padded';

export const MTPROTO_TRANSPORTS: readonly MtprotoTransport[] = [
  'full',
  'intermediate',
  'padded',
  'abridged',
  'obfuscated',
  'obfuscated-intermediate',
  'obfuscated-padded',
];

interface PacketReader {
  read(n: number): Promise<Buffer>;
  readExactly?(n: number): Promise<Buffer>;
}

/** Reads exactly n bytes: sockets have readExactly; the obfuscated reader's read() is exact already. */
function readExactly(reader: PacketReader, n: number): Promise<Buffer> {
  return reader.readExactly ? reader.readExactly(n) : reader.read(n);
}

class IntermediatePacketCodec extends (PacketCodec as any) {
  static tag = Buffer.from('eeeeeeee', 'hex');
  static obfuscateTag = Buffer.from('eeeeeeee', 'hex');
  tag = IntermediatePacketCodec.tag;
  obfuscateTag = IntermediatePacketCodec.obfuscateTag;

  encodePacket(data: Buffer): Buffer {
    const head = Buffer.alloc(4);
    head.writeInt32LE(data.length, 0);
    return Buffer.concat([head, data]);
  }

  async readPacket(reader: PacketReader): Promise<Buffer> {
    const length = (await readExactly(reader, 4)).readInt32LE(0);
    return readExactly(reader, length);
  }
}

/** Padded intermediate: 0-15 random bytes after each packet, which the reader must cut off. */
class PaddedIntermediatePacketCodec extends IntermediatePacketCodec {
  static override tag = Buffer.from('dddddddd', 'hex');
  static override obfuscateTag = Buffer.from('dddddddd', 'hex');
  override tag = PaddedIntermediatePacketCodec.tag;
  override obfuscateTag = PaddedIntermediatePacketCodec.obfuscateTag;

  override encodePacket(data: Buffer): Buffer {
    const pad = randomBytes(randomBytes(1)[0] % 16);
    const head = Buffer.alloc(4);
    head.writeInt32LE(data.length + pad.length, 0);
    return Buffer.concat([head, data, pad]);
  }

  override async readPacket(reader: PacketReader): Promise<Buffer> {
    const packet = await super.readPacket(reader);
    if (packet.length < 20) return packet.subarray(0, 4); // a transport error (sent unpadded)
    if (packet.readBigUInt64LE(0) === 0n) return packet.subarray(0, 20 + packet.readInt32LE(16));
    return packet.subarray(0, 24 + ((packet.length - 24) & ~15));
  }
}

/** GramJS's abridged codec reads its payload with read(n), which may return fewer bytes on a plain socket. */
class ExactAbridgedPacketCodec extends (PacketCodec as any) {
  static tag = Buffer.from('ef', 'hex');
  static obfuscateTag = Buffer.from('efefefef', 'hex');
  tag = ExactAbridgedPacketCodec.tag;
  obfuscateTag = ExactAbridgedPacketCodec.obfuscateTag;

  encodePacket(data: Buffer): Buffer {
    const words = data.length >> 2;
    const head = words < 0x7f ? Buffer.from([words]) : Buffer.from([0x7f, words & 0xff, (words >> 8) & 0xff, (words >> 16) & 0xff]);
    return Buffer.concat([head, data]);
  }

  async readPacket(reader: PacketReader): Promise<Buffer> {
    let words = (await readExactly(reader, 1))[0];
    if (words >= 0x7f) words = (await readExactly(reader, 3)).readUIntLE(0, 3);
    return readExactly(reader, words << 2);
  }
}

export interface ConnectionHooks {
  /** The server answered the transport error -404: it does not know the auth key. */
  onAuthKeyUnknown(): void;
  /** True once the client is destroyed: GramJS's retry loop must not open new sockets then. */
  isDestroyed(): boolean;
}

export interface ForcedEndpoint {
  host: string;
  port: number;
}

/** A GramJS connection class for one transport, optionally forced to host:port. */
export function connectionClass(transport: MtprotoTransport, endpoint: ForcedEndpoint | undefined, hooks: ConnectionHooks): any {
  const obfuscated = transport.startsWith('obfuscated');
  const Base: any = obfuscated ? ConnectionTCPObfuscated : transport === 'full' ? ConnectionTCPFull : ConnectionTCPAbridged;
  const codec =
    transport === 'full'
      ? undefined
      : transport === 'intermediate' || transport === 'obfuscated-intermediate'
        ? IntermediatePacketCodec
        : transport === 'padded' || transport === 'obfuscated-padded'
          ? PaddedIntermediatePacketCodec
          : ExactAbridgedPacketCodec;

  return class TgshConnection extends Base {
    constructor(params: any) {
      super(endpoint ? { ...params, ip: endpoint.host, port: endpoint.port } : params);
      if (codec) this.PacketCodecClass = codec;
    }

    async _connect(): Promise<void> {
      if (hooks.isDestroyed()) throw new Error('the client was destroyed');
      await super._connect();
      // GramJS leaves Nagle on: a small write (an ack) then a request stalls ~40 ms on delayed ACKs.
      this.socket?.client?.setNoDelay?.(true);
    }

    async _recv(): Promise<Buffer> {
      const data: Buffer = await super._recv();
      if (data && data.length === 4 && data.readInt32LE(0) === -404) hooks.onAuthKeyUnknown();
      return data;
    }

    toString(): string {
      return `${endpoint ? `${endpoint.host}:${endpoint.port}` : 'telegram'}/${transport}`;
    }
  };
}
