// Small TL helpers for the service layer (handshake, containers, acks, salts) where raw bytes are
// simpler than GramJS's classes. API objects themselves go through GramJS's `Api` classes.

export const CTOR = {
  vector: 0x1cb5c415,
  boolTrue: 0x997275b5,
  boolFalse: 0xbc799737,
  // key exchange
  reqPq: 0x60469778,
  reqPqMulti: 0xbe7e8ef1,
  resPq: 0x05162463,
  reqDhParams: 0xd712e4be,
  pqInnerData: 0x83c95aec,
  pqInnerDataDc: 0xa9f55f95,
  pqInnerDataTemp: 0x3c6a84d4,
  pqInnerDataTempDc: 0x56fddf88,
  serverDhParamsOk: 0xd0e8075c,
  serverDhInnerData: 0xb5890dba,
  setClientDhParams: 0xf5045f1f,
  clientDhInnerData: 0x6643b654,
  dhGenOk: 0x3bcbf734,
  dhGenRetry: 0x46dc1fb9,
  dhGenFail: 0xa69dae02,
  destroyAuthKey: 0xd1435160,
  // service messages
  rpcResult: 0xf35c6d01,
  rpcError: 0x2144ca19,
  rpcDropAnswer: 0x58e4a740,
  rpcAnswerUnknown: 0x5e2ad36e,
  msgContainer: 0x73f1f8dc,
  msgCopy: 0xe06046b2,
  gzipPacked: 0x3072cfa1,
  msgsAck: 0x62d6b459,
  badMsgNotification: 0xa7eff811,
  badServerSalt: 0xedab447b,
  newSessionCreated: 0x9ec20908,
  ping: 0x7abe77ec,
  pingDelayDisconnect: 0xf3427b8c,
  pong: 0x347773c5,
  getFutureSalts: 0xb921bd04,
  futureSalts: 0xae500895,
  futureSalt: 0x0949d9dc,
  destroySession: 0xe7512126,
  destroySessionOk: 0xe22045fc,
  destroySessionNone: 0x62d350c9,
  msgsStateReq: 0xda69fb52,
  msgsStateInfo: 0x04deb57d,
  msgResendReq: 0x7d861a08,
  msgResendAnsReq: 0x8610baeb,
  msgsAllInfo: 0x8cc0d131,
  msgDetailedInfo: 0x276d3ec6,
  msgNewDetailedInfo: 0x809db6df,
  httpWait: 0x9299359f,
} as const;

/** TL `bytes`/`string`: a length prefix, the data, zero padding to a multiple of 4. */
export function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  const total = head.length + data.length;
  const pad = (4 - (total % 4)) % 4;
  return Buffer.concat([head, data, Buffer.alloc(pad)]);
}

export class TlWriter {
  private readonly parts: Buffer[] = [];

  int32(n: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32LE(n | 0, 0);
    this.parts.push(b);
    return this;
  }

  uint32(n: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(n >>> 0, 0);
    this.parts.push(b);
    return this;
  }

  int64(n: bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64LE(BigInt.asIntN(64, n), 0);
    this.parts.push(b);
    return this;
  }

  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  bytes(b: Buffer): this {
    this.parts.push(tlBytes(b));
    return this;
  }

  longVector(ids: bigint[]): this {
    this.uint32(CTOR.vector).int32(ids.length);
    for (const id of ids) this.int64(id);
    return this;
  }

  result(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A bounds-checked little-endian reader over raw TL; throws TlReadError past the end. */
export class TlReader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new TlReadError('truncated TL data');
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  raw(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  bytes(): Buffer {
    this.need(1);
    let len = this.buf[this.offset];
    let head = 1;
    if (len === 254) {
      this.need(4);
      len = this.buf.readUIntLE(this.offset + 1, 3);
      head = 4;
    } else if (len === 255) {
      throw new TlReadError('bad TL bytes length');
    }
    const total = head + len;
    const padded = total + ((4 - (total % 4)) % 4);
    this.need(padded);
    const v = this.buf.subarray(this.offset + head, this.offset + head + len);
    this.offset += padded;
    return v;
  }

  longVector(): bigint[] {
    if (this.uint32() !== CTOR.vector) throw new TlReadError('expected a vector');
    const n = this.int32();
    if (n < 0 || n * 8 > this.buf.length - this.offset) throw new TlReadError('bad vector length');
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) out.push(this.int64());
    return out;
  }
}

export class TlReadError extends Error {}
