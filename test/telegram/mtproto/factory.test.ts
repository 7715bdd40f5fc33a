// tgsh's GramJS connection factory: keys, sessions, timeouts, errors, logging.

import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { _serverKeys } from 'telegram/crypto/RSA.js';
import { StringSession } from 'telegram/sessions/index.js';
import { FloodWaitError, RPCError } from 'telegram/errors/index.js';
import {
  createMtprotoClient,
  MtprotoConnectError,
  MtprotoRpcError,
  MtprotoTimeoutError,
  rsaPublicKeyInfo,
  saveSession,
  toMtprotoError,
  trustServerKey,
} from '../../../src/telegram/mtproto/index.js';
import { Cleanup, connect, connectBot, resolve, SANDBOX_API_HASH, SANDBOX_API_ID, startTestServer } from '../../sandbox/mtproto/helpers.js';

const cleanup = new Cleanup();
const silent: Server[] = [];
afterEach(async () => {
  await cleanup.run();
  await Promise.all(silent.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('GramJS factory: server keys', () => {
  it("computes Telegram's own key fingerprints as GramJS knows them", () => {
    for (const [fp, key] of _serverKeys) {
      const n = Buffer.from(key.n.toString(16).padStart(512, '0'), 'hex');
      const pem = createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB' }, format: 'jwk' })
        .export({ type: 'pkcs1', format: 'pem' })
        .toString();
      expect(rsaPublicKeyInfo(pem).fingerprint.toString()).toBe(fp);
    }
  });

  it("registers a server's key (PKCS#1 or SPKI PEM) under the server's fingerprint", async () => {
    const server = cleanup.server(await startTestServer());
    expect(server.rsaPublicKeyPem).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);
    expect(trustServerKey(server.rsaPublicKeyPem)).toBe(server.fingerprint);
    const spki = createPublicKey(server.rsaPublicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    expect(trustServerKey(spki)).toBe(server.fingerprint);
    expect(_serverKeys.get(server.fingerprint.toString())?.e).toBe(65537);
  });
});

describe('GramJS factory: sessions', () => {
  it('saves a StringSession-compatible session with a 16-bit port even when the server port is above 32767', async () => {
    const server = cleanup.server(await startTestServer());
    expect(server.port).toBeGreaterThan(32767);
    const client = cleanup.client(await connectBot(server));
    const saved = saveSession(client);
    const parsed = new StringSession(saved);
    await parsed.load();
    expect(parsed.serverAddress).toBe('127.0.0.1');
    expect(parsed.port).toBe(443);
    expect(parsed.dcId).toBe(2);
    expect(Buffer.from(parsed.getAuthKey()!.getKey()!).equals(Buffer.from(client.session.getAuthKey()!.getKey()!))).toBe(true);
    expect(server.knowsAuthKey(Buffer.from(parsed.getAuthKey()!.getKey()!))).toBe(true);
  });

  it('keeps one entity row per peer, however many results carry it', async () => {
    const server = cleanup.server(await startTestServer());
    const client = cleanup.client(await connectBot(server));
    for (let i = 0; i < 30; i++) await resolve(client, i % 2 ? 'example_user' : 'tgsh_news');
    expect((client.session as unknown as { entityCount: number }).entityCount).toBe(3); // the bot itself, the user, the channel
  });

  it('returns an empty session before any key exists', async () => {
    const server = cleanup.server(await startTestServer());
    const client = cleanup.client(await connect(server, { connect: false }));
    expect(saveSession(client)).toBe('');
  });
});

describe('GramJS factory: bounds and errors', () => {
  it('gives up connecting to a port nobody listens on, with MtprotoConnectError', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    const t0 = Date.now();
    const e = await createMtprotoClient({
      endpoint: { host: '127.0.0.1', port },
      apiId: SANDBOX_API_ID,
      apiHash: SANDBOX_API_HASH,
      connectionRetries: 2,
      retryDelayMs: 100,
      timeoutMs: 5000,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MtprotoConnectError);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('times connect() out against a server that never answers', async () => {
    const s = createServer((sock) => sock.on('error', () => {}).resume()); // reads and ignores everything
    silent.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    const e = await createMtprotoClient({ endpoint: { host: '127.0.0.1', port }, apiId: SANDBOX_API_ID, apiHash: SANDBOX_API_HASH, timeoutMs: 400 }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(MtprotoTimeoutError);
    expect((e as MtprotoTimeoutError).operation).toBe('connect');
  });

  it("maps GramJS's errors to typed ones", () => {
    const flood = toMtprotoError(new FloodWaitError({ capture: 42 } as any), 'contacts.ResolveUsername');
    expect(flood).toBeInstanceOf(MtprotoRpcError);
    expect(flood).toMatchObject({ code: 420, errorMessage: 'FLOOD_WAIT_42', seconds: 42, method: 'contacts.ResolveUsername' });
    const rpc = toMtprotoError(new RPCError('USERNAME_INVALID', undefined as any, 400));
    expect(rpc).toMatchObject({ code: 400, errorMessage: 'USERNAME_INVALID', seconds: undefined });
    expect(toMtprotoError(new Error('Cannot send requests while disconnected. Please reconnect.'))).toBeInstanceOf(MtprotoConnectError);
  });

  it('writes nothing to stdout, whatever the log level (GramJS logs go to stderr)', async () => {
    const server = cleanup.server(await startTestServer());
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const quiet = cleanup.client(await connectBot(server));
      await resolve(quiet, 'example_user');
      const loud = cleanup.client(await connectBot(server, { logLevel: 'debug', log: (line) => void process.stderr.write(line + '\n') }));
      await resolve(loud, 'example_user');
      await cleanup.run();
      expect(out).not.toHaveBeenCalled();
      expect(err).toHaveBeenCalled();
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('keeps errors.ts free of GramJS, so callers can load it without GramJS', () => {
    const src = readFileSync(new URL('../../../src/telegram/mtproto/errors.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/from ['"]telegram/);
  });
});
