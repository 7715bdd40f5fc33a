// MTProto 2.0 service layer of the data centre, message by message: salts, new sessions, message
// id windows, duplicates, containers, gzip, pings, acks, transport errors, malformed packets.

import { createConnection } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from 'telegram/tl/index.js';
import { readBigIntFromBuffer } from 'telegram/Helpers.js';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import type { MtprotoServer } from '../../../src/sandbox/mtproto/index.js';
import { Cleanup, connectBot, long, resolve, startTestServer } from './helpers.js';
import { RawClient, type Received } from './raw-client.js';

const cleanup = new Cleanup();
let server: MtprotoServer;
const raws: RawClient[] = [];

beforeAll(async () => {
  server = cleanup.server(await startTestServer());
});
afterAll(async () => {
  await Promise.all(raws.map((r) => r.close()));
  await cleanup.run();
});

async function raw(): Promise<RawClient> {
  const r = await RawClient.open(server);
  raws.push(r);
  return r;
}

const isA = (name: string) => (m: Received) => m.obj?.className === name;
const isRpcResult = (m: Received) => m.obj?.CONSTRUCTOR_ID === 0xf35c6d01;
const getConfig = () => new Api.help.GetConfig().getBytes();

/** A fresh raw client that has learnt the salt and opened its session. */
async function ready(): Promise<RawClient> {
  const c = await raw();
  await c.send([{ body: getConfig() }]);
  const bad = await c.waitFor(isA('BadServerSalt'));
  c.state.salt = bad.obj.newServerSalt;
  await c.send([{ body: getConfig() }]);
  await c.waitFor(isRpcResult);
  return c;
}

describe('MTProto service layer', () => {
  it('answers bad_server_salt to salt 0, then new_session_created and the result', async () => {
    const c = await raw();
    const [first] = await c.send([{ body: getConfig() }]);
    const bad = await c.next();
    expect(bad.obj.className).toBe('BadServerSalt');
    expect(bad.obj.errorCode).toBe(48);
    expect(BigInt(bad.obj.badMsgId.toString())).toBe(first);
    expect(bad.msgId % 4n).toBe(1n);
    c.state.salt = bad.obj.newServerSalt;
    const [second] = await c.send([{ body: getConfig() }]);
    const created = await c.waitFor(isA('NewSessionCreated'));
    expect(BigInt(created.obj.firstMsgId.toString())).toBe(second);
    expect(created.obj.serverSalt.toString()).toBe(bad.obj.newServerSalt.toString());
    const result = await c.waitFor(isRpcResult);
    expect(BigInt(result.obj.reqMsgId.toString())).toBe(second);
    expect(result.obj.error).toBeUndefined();
    expect(result.seqNo % 2).toBe(1); // content-related
    // Only once per session.
    await c.send([{ body: getConfig() }]);
    const more = await c.drain(300);
    expect(more.filter(isA('NewSessionCreated'))).toHaveLength(0);
    expect(more.filter(isRpcResult)).toHaveLength(1);
  });

  it('answers bad_msg_notification 16 / 17 to message ids outside -300 s / +30 s', async () => {
    const c = await ready();
    // GramJS keeps its message ids increasing: forget the last one to go back in time.
    (c.state as any)._lastMsgId = readBigIntFromBuffer(Buffer.alloc(8), true, false);
    c.state.timeOffset = -400;
    const [old] = await c.send([{ body: getConfig() }]);
    const tooLow = await c.waitFor(isA('BadMsgNotification'));
    expect(tooLow.obj.errorCode).toBe(16);
    expect(BigInt(tooLow.obj.badMsgId.toString())).toBe(old);
    c.state.timeOffset = 60;
    (c.state as any)._lastMsgId = readBigIntFromBuffer(Buffer.alloc(8), true, false);
    await c.send([{ body: getConfig() }]);
    const tooHigh = await c.waitFor(isA('BadMsgNotification'));
    expect(tooHigh.obj.errorCode).toBe(17);
    // GramJS's correction: the server's msg_id carries its time.
    c.state.updateTimeOffset(readBigIntFromBuffer(Buffer.from(tooHigh.msgId.toString(16).padStart(16, '0'), 'hex'), false, false));
    expect(Math.abs(c.state.timeOffset)).toBeLessThanOrEqual(1);
    await c.send([{ body: getConfig() }]);
    await c.waitFor(isRpcResult);
  });

  it('answers a duplicated message again instead of running it twice', async () => {
    const c = await ready();
    const before = server.stats.requestsFor('help.getConfig');
    const w = new (await import('telegram/extensions/BinaryWriter.js')).BinaryWriter(Buffer.alloc(0));
    const id = await c.state.writeDataAsMessage(w, getConfig(), true);
    const packet = await c.state.encryptMessageData(w.getValue());
    await c.sendEncrypted(packet);
    await c.sendEncrypted(packet);
    const answers = [await c.waitFor(isRpcResult), await c.waitFor(isRpcResult)];
    for (const a of answers) expect(a.obj.reqMsgId.toString()).toBe(id.toString());
    expect(answers[0]!.msgId).not.toBe(answers[1]!.msgId);
    expect(server.stats.requestsFor('help.getConfig')).toBe(before + 1);
  });

  it('runs every message of a container and answers ping with pong (not wrapped in rpc_result)', async () => {
    const c = await ready();
    const ping = new Api.Ping({ pingId: long('77') }).getBytes();
    const ids = await c.send([{ body: ping }, { body: getConfig() }, { body: new Api.updates.GetState().getBytes() }]);
    const got = await c.drain(400);
    const pong = got.find(isA('Pong'))!;
    expect(pong.obj.pingId.toString()).toBe('77');
    expect(BigInt(pong.obj.msgId.toString())).toBe(ids[0]);
    const results = got.filter(isRpcResult).map((m) => BigInt(m.obj.reqMsgId.toString()));
    expect(results.sort()).toEqual([ids[1], ids[2]].sort());
    const state = got.filter(isRpcResult).find((m) => BigInt(m.obj.reqMsgId.toString()) === ids[2])!;
    expect(state.obj.error.errorMessage).toBe('AUTH_KEY_UNREGISTERED'); // not logged in
  });

  it('answers ping_delay_disconnect and closes the connection when no ping follows', async () => {
    const c = await ready();
    const open = server.stats.openConnections;
    await c.send([{ body: new Api.PingDelayDisconnect({ pingId: long('5'), disconnectDelay: 1 }).getBytes() }]);
    expect((await c.waitFor(isA('Pong'))).obj.pingId.toString()).toBe('5');
    await new Promise((r) => setTimeout(r, 1300));
    expect(server.stats.openConnections).toBe(open - 1);
  });

  it('accepts gzip_packed requests', async () => {
    const c = await ready();
    const inner = getConfig();
    const gz = gzipSync(inner);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(0x3072cfa1, 0);
    const len = gz.length < 254 ? Buffer.from([gz.length]) : Buffer.from([254, gz.length & 255, (gz.length >> 8) & 255, gz.length >> 16]);
    const pad = Buffer.alloc((4 - ((len.length + gz.length) % 4)) % 4);
    const [id] = await c.send([{ body: Buffer.concat([head, len, gz, pad]) }]);
    const r = await c.waitFor(isRpcResult);
    expect(BigInt(r.obj.reqMsgId.toString())).toBe(id);
    expect(r.obj.error).toBeUndefined();
  });

  it('acknowledges a request it does not answer at once', async () => {
    const c = await ready();
    server.faults.neverAnswer('help.getNearestDc');
    try {
      const [id] = await c.send([{ body: new Api.help.GetNearestDc().getBytes() }]);
      const ack = await c.waitFor(isA('MsgsAck'));
      expect(ack.obj.msgIds.map((x: { toString(): string }) => BigInt(x.toString()))).toContain(id);
      expect(ack.seqNo % 2).toBe(0); // not content-related
    } finally {
      server.faults.clear();
    }
  });

  it('answers an unknown constructor with an rpc_error', async () => {
    const c = await ready();
    const bogus = Buffer.from([0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0]);
    const [id] = await c.send([{ body: bogus }]);
    const r = await c.waitFor(isRpcResult);
    expect(BigInt(r.obj.reqMsgId.toString())).toBe(id);
    expect(r.obj.error.errorCode).toBe(400);
    expect(r.obj.error.errorMessage).toBe('INPUT_METHOD_INVALID');
  });

  it('sends the transport error -404 for an auth key it does not know', async () => {
    const stranger = new AuthKey();
    await stranger.setKey(Buffer.alloc(256, 7));
    const c = await RawClient.open(server, stranger);
    raws.push(c);
    await c.send([{ body: getConfig() }]);
    await c.drain(300);
    expect(c.transportErrors).toEqual([-404]);
  });

  it('closes only the connection that sent a malformed packet', async () => {
    const bot = cleanup.client(await connectBot(server));
    const accepted = server.stats.connectionsAccepted;
    const sock = createConnection({ host: server.host, port: server.port });
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('error', () => {});
    // A full-transport packet with a bad CRC32.
    const bad = Buffer.alloc(40);
    bad.writeInt32LE(40, 0);
    bad.writeInt32LE(0, 4);
    sock.write(bad);
    await closed;
    expect(server.stats.connectionsAccepted).toBe(accepted + 1);
    const r = await resolve(bot, 'example_user');
    expect(r.users).toHaveLength(1);
  });

  it('closes a connection that sends garbage without a transport', async () => {
    const sock = createConnection({ host: server.host, port: server.port });
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('error', () => {});
    sock.write(Buffer.alloc(64, 0x41));
    await closed;
  });
});
