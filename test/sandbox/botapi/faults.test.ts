import { GrammyError, HttpError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBotApiServer } from '../../../src/sandbox/botapi/server.js';
import { SANDBOX_BOT_ID, SANDBOX_BOT_TOKEN } from '../../../src/sandbox/world/default-world.js';
import { ALICE, BOB, drain, sandbox, until, type Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
});
afterEach(async () => {
  await sb.close();
  vi.restoreAllMocks();
});

async function httpError(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    return e as HttpError;
  }
  throw new Error('expected an HttpError');
}

describe('fault injection', () => {
  it('a one-shot 502 with an HTML body (like a proxy), then normal answers', async () => {
    sb.server.faults.failNext('sendMessage', { status: 502 });
    const raw = await fetch(`${sb.server.apiRoot}/bot${SANDBOX_BOT_TOKEN}/sendMessage?chat_id=${ALICE}&text=x`);
    expect(raw.status).toBe(502);
    expect(raw.headers.get('content-type')).toBe('text/html');
    expect(await raw.text()).toContain('<title>502 Bad Gateway</title>');
    expect((await sb.api.sendMessage(ALICE, 'fine')).text).toBe('fine');
    expect(sb.world.received(ALICE).map((m) => m.text)).toEqual(['fine']);
  });

  it('repeated failures for a method, seen by grammY as HttpError; other methods unaffected', async () => {
    sb.server.faults.failNext('SENDMESSAGE', { status: 500, times: 2 });
    await httpError(sb.api.sendMessage(ALICE, 'a'));
    expect((await sb.api.getMe()).id).toBe(SANDBOX_BOT_ID);
    await httpError(sb.api.sendMessage(ALICE, 'b'));
    expect((await sb.api.sendMessage(ALICE, 'c')).text).toBe('c');
    expect(sb.server.faults.pending.length).toBe(0);
  });

  it('a delayed answer still arrives', async () => {
    sb.server.faults.delay('getMe', 200);
    expect((await sb.api.getMe()).id).toBe(SANDBOX_BOT_ID);
  });

  it('a dropped connection (no answer) is a network error; the send is not recorded', async () => {
    sb.server.faults.dropConnection('sendMessage');
    await httpError(sb.api.sendMessage(ALICE, 'lost'));
    expect(sb.world.received(ALICE)).toEqual([]);
    expect((await sb.api.sendMessage(ALICE, 'next')).text).toBe('next');
  });

  it('closing all connections ends a waiting long poll with a network error', async () => {
    drain(sb.world);
    const poll = sb.api.getUpdates({ timeout: 50 });
    await until(() => sb.server.activePolls() === 1, 'the poll');
    sb.server.faults.closeAllConnections();
    await httpError(poll);
    await until(() => sb.server.activePolls() === 0, 'the poll to end');
    expect(await sb.api.getUpdates()).toEqual([]);
  });

  it('the server prints nothing and never a token, even on faults and errors; debug lines name methods only', async () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    const lines: string[] = [];
    const loud = await startBotApiServer({ world: sb.world, debug: (l) => lines.push(l) });
    const { Api } = await import('grammy');
    const api = new Api(SANDBOX_BOT_TOKEN, { apiRoot: loud.apiRoot });
    const bad = new Api('7000000001:wrong', { apiRoot: loud.apiRoot });
    loud.faults.failNext('getMe', { status: 502 });
    loud.faults.dropConnection('getChat');
    await httpError(api.getMe());
    await httpError(api.getChat(ALICE));
    await expect(api.sendMessage(BOB, 'x')).rejects.toBeInstanceOf(GrammyError);
    await expect(bad.getMe()).rejects.toBeInstanceOf(GrammyError);
    await fetch(`${loud.apiRoot}/bot${SANDBOX_BOT_TOKEN}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    await api.sendMessage(ALICE, 'ok');
    await loud.close();
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const l of lines) {
      expect(l).not.toContain('sandbox-offline-token');
      expect(l).not.toContain('7000000001:');
    }
    expect(lines.some((l) => l.startsWith('sendMessage 403'))).toBe(true);
  });

  it('close() ends long polls and keep-alive sockets', async () => {
    drain(sb.world);
    const poll = sb.api.getUpdates({ timeout: 50 }).catch((e: unknown) => e);
    await until(() => sb.server.activePolls() === 1, 'the poll');
    await sb.server.close();
    const r = await poll;
    expect(Array.isArray(r) || r instanceof HttpError).toBe(true);
    await httpError(sb.api.getMe());
  });
});
