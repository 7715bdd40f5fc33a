// One client TCP connection: transport framing, plain messages (the key exchange) and encrypted
// ones. A malformed packet closes this connection only.

import type { Socket } from 'node:net';
import { Handshake, HandshakeError, type HandshakeDeps } from './handshake.js';
import { ProtocolError, receiveEncrypted, type ConnectionControl, type IncomingDeps } from './incoming.js';
import { TlReadError } from './tl.js';
import { ServerTransport, TransportError } from './transport.js';

export interface ConnectionDeps extends IncomingDeps, HandshakeDeps {
  onClosed(conn: ServerConnection): void;
  onTransport(name: string): void;
}

export class ServerConnection implements ConnectionControl {
  private readonly transport = new ServerTransport();
  private readonly handshake: Handshake;
  private lastPlainMsgId = 0n;
  private pingTimer?: NodeJS.Timeout;
  closed = false;

  constructor(
    private readonly deps: ConnectionDeps,
    readonly socket: Socket,
  ) {
    this.handshake = new Handshake(deps);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get transportInfo(): typeof this.transport.detected {
    return this.transport.detected;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      const known = this.transport.detected;
      const frames = this.transport.feed(chunk);
      const info = this.transport.detected;
      if (!known && info) this.deps.onTransport(info.obfuscated ? `obfuscated-${info.kind}` : info.kind);
      for (const frame of frames) {
        if (this.closed) return;
        this.handleFrame(frame);
      }
    } catch (e) {
      if (e instanceof TransportError || e instanceof ProtocolError || e instanceof HandshakeError || e instanceof TlReadError || e instanceof RangeError) {
        this.deps.log(`connection closed: ${e.message}`);
      } else {
        this.deps.log(`connection closed on an internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
      this.close();
    }
  }

  private handleFrame(frame: Buffer): void {
    if (frame.length === 4) return; // a transport error or quick ack from the client: nothing to do
    if (frame.length < 8) throw new ProtocolError('short packet');
    if (frame.readBigUInt64LE(0) === 0n) {
      this.handlePlain(frame);
      return;
    }
    // Padded intermediate appends 0-15 random bytes; an encrypted message is 24 + 16k bytes.
    const usable = frame.length < 24 ? frame.length : 24 + ((frame.length - 24) & ~15);
    receiveEncrypted(this.deps, this, frame.subarray(0, usable));
  }

  private handlePlain(frame: Buffer): void {
    if (frame.length < 20) throw new ProtocolError('short plain message');
    const length = frame.readInt32LE(16);
    if (length < 4 || 20 + length > frame.length) throw new ProtocolError('bad plain message length');
    const answer = this.handshake.handle(frame.subarray(20, 20 + length));
    const head = Buffer.alloc(20);
    head.writeBigInt64LE(this.nextPlainMsgId(), 8);
    head.writeInt32LE(answer.length, 16);
    this.sendPayload(Buffer.concat([head, answer]));
  }

  private nextPlainMsgId(): bigint {
    const now = Date.now();
    let id = (BigInt(Math.floor(now / 1000)) << 32n) | (BigInt(Math.floor((now % 1000) * 4294967.296)) & ~3n);
    if (id <= this.lastPlainMsgId) id = (this.lastPlainMsgId & ~3n) + 4n;
    this.lastPlainMsgId = id | 1n;
    return this.lastPlainMsgId;
  }

  sendPayload(payload: Buffer): void {
    if (this.closed) return;
    this.socket.write(this.transport.encode(payload));
  }

  sendTransportError(code: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(code, 0);
    this.sendPayload(b);
  }

  armPingDisconnect(seconds: number): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
    if (seconds <= 0) return;
    this.pingTimer = setTimeout(() => this.close(), seconds * 1000);
    this.pingTimer.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.socket.destroy();
    this.deps.onClosed(this);
  }
}
