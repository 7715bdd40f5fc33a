// The sending core (sendOne) as broadcast uses it: outcomes as data, against the sandbox Bot API
// with unmodified grammY. Waits go through a SendLimiter on a virtual clock, so nothing sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import { createBotApi } from '../../../src/telegram/botapi/api.js';
import { SendLimiter } from '../../../src/telegram/botapi/limiter.js';
import { virtualClock } from '../../helpers/clock.js';
import { sendOne, type SendDeps, type SendFailure } from '../../../src/telegram/botapi/send.js';
import { classifyRefusal } from '../../../src/telegram/botapi/refusals.js';
import { Secret } from '../../../src/core/secret.js';

const ALICE = 200000001;
const EXAMPLE = 191322468; // a chat of its own: the sandbox's 1/s per chat is not shared with ALICE's tests


let sb: Sandbox;
let dir: string;
beforeAll(async () => {
  sb = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'tgsh-sendone-'));
});
afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deps(apiRoot = sb.connection.bot_api_root): Promise<SendDeps & { clock: ReturnType<typeof virtualClock> }> {
  const token = new Secret(sb.connection.bot_token);
  const clock = virtualClock();
  return { api: await createBotApi({ token, apiRoot, timeoutSeconds: 5 }), limiter: new SendLimiter(undefined, clock), secrets: [token], clock };
}

const json429 = (n: number): { status: number; body: string; contentType: string } => ({
  status: 429,
  body: JSON.stringify({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${n}`, parameters: { retry_after: n } }),
  contentType: 'application/json',
});

describe('sendOne', () => {
  it('sends and reports the message', async () => {
    const d = await deps();
    const o = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'hi' }, { maxWaitSeconds: 0 });
    expect(o).toMatchObject({ ok: true, chatId: ALICE, messageId: expect.any(Number), attempts: 1, waitedMs: 0 });
    expect(sb.world.received(ALICE).at(-1)?.text).toBe('hi');
  });

  it('maps refusals to reasons, never delivered', async () => {
    const d = await deps();
    const cases: Array<[number, string]> = [
      [200000003, 'not_started'],
      [200000002, 'blocked'],
      [200000005, 'chat_not_found'],
      [7000000002, 'to_bot'],
    ];
    for (const [chat, reason] of cases) {
      const o = (await sendOne(d, { chatId: chat, cls: 'private' }, { kind: 'text', text: 'x' }, { maxWaitSeconds: 0 })) as SendFailure;
      expect(o, reason).toMatchObject({ ok: false, reason, delivered: 'no', code: expect.any(Number) });
    }
  });

  it('sits out a 429 within the budget (the limiter holds the chat), fails beyond it', async () => {
    const d = await deps();
    const waits: number[] = [];
    sb.botapi.faults.failNext('sendMessage', json429(2));
    const ok = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'after a wait' }, { maxWaitSeconds: 5, onWait: (s) => waits.push(s) });
    expect(ok).toMatchObject({ ok: true, attempts: 2, waitedMs: 2000 });
    expect(waits).toEqual([2]);
    expect(d.clock.slept).toBeGreaterThanOrEqual(2000);

    sb.botapi.faults.failNext('sendMessage', json429(30));
    const no = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'never' }, { maxWaitSeconds: 5 });
    expect(no).toMatchObject({ ok: false, reason: 'flood', code: 429, retryAfter: 30, delivered: 'no', attempts: 1 });
    // The chat stays held: the next send fails at once, without a request.
    const before = sb.botapi.stats.requests.sendMessage;
    const held = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'never' }, { maxWaitSeconds: 5 });
    expect(held).toMatchObject({ ok: false, reason: 'flood', attempts: 0, retryAfter: 30 });
    expect(sb.botapi.stats.requests.sendMessage).toBe(before);
  });

  it('tells a refused connection (not delivered, may be retried) from a 5xx or a drop (maybe delivered)', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const closed = await deps(`http://127.0.0.1:${port}`);
    const refused = await sendOne(closed, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'x' }, { maxWaitSeconds: 0, networkRetries: 1 });
    expect(refused).toMatchObject({ ok: false, reason: 'network', network: 'refused', delivered: 'no', attempts: 2 });
    expect((refused as SendFailure).description).toBe('connection refused (sendMessage)');

    const d = await deps();
    sb.botapi.faults.failNext('sendMessage', { status: 502 });
    const bad = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'x' }, { maxWaitSeconds: 0, networkRetries: 3 });
    expect(bad).toMatchObject({ ok: false, reason: 'network', network: 'http', delivered: 'unknown', attempts: 1 });
    expect((bad as SendFailure).description).toMatch(/HTTP 502 Bad Gateway/);
    sb.botapi.faults.dropConnection('sendMessage');
    const dropped = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'x' }, { maxWaitSeconds: 0 });
    expect(dropped).toMatchObject({ ok: false, network: 'dropped', delivered: 'unknown' });
  });

  it('stops when aborted', async () => {
    const d = await deps();
    const abort = new AbortController();
    abort.abort();
    const o = await sendOne(d, { chatId: ALICE, cls: 'private' }, { kind: 'text', text: 'x' }, { maxWaitSeconds: 0, signal: abort.signal });
    expect(o).toMatchObject({ ok: false, reason: 'aborted', delivered: 'no' });
  });

  it('uploads a file once and sends it again by file_id', async () => {
    const d = await deps();
    const path = join(dir, 'report.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    const first = await sendOne(d, { chatId: EXAMPLE, cls: 'private' }, { kind: 'document', file: { path }, caption: 'the report' }, { maxWaitSeconds: 0 });
    expect(first.ok).toBe(true);
    const fileId = first.ok ? first.raw.document!.file_id : '';
    const again = await sendOne(d, { chatId: EXAMPLE, cls: 'private' }, { kind: 'document', file: { fileId } }, { maxWaitSeconds: 0 });
    expect(again).toMatchObject({ ok: true });
    expect(sb.world.received(EXAMPLE).at(-1)?.document?.file_name).toBe('report.csv');
    expect(sb.world.files.size).toBe(1);
  });
});

describe('classifyRefusal', () => {
  it("reads Telegram's texts", () => {
    const t: Array<[number, string, string]> = [
      [403, "Forbidden: bot can't initiate conversation with a user", 'not_started'],
      [403, 'Forbidden: bot was blocked by the user', 'blocked'],
      [403, 'Forbidden: user is deactivated', 'deactivated'],
      [403, "Forbidden: bot can't send messages to bots", 'to_bot'],
      [403, 'Forbidden: bot was kicked from the supergroup chat', 'kicked'],
      [403, 'Forbidden: bot is not a member of the channel chat', 'not_member'],
      [400, 'Bad Request: need administrator rights in the channel chat', 'no_rights'],
      [400, 'Bad Request: chat not found', 'chat_not_found'],
      [400, 'Bad Request: PEER_ID_INVALID', 'chat_not_found'],
      [400, 'Bad Request: message is too long', 'too_long'],
      [400, "Bad Request: can't parse entities: Can't find end of the entity", 'bad_markup'],
      [400, 'Bad Request: message to be replied not found', 'reply_not_found'],
      [400, 'Bad Request: IMAGE_PROCESS_FAILED', 'bad_file'],
      [401, 'Unauthorized', 'unauthorized'],
      [409, 'Conflict: terminated by other getUpdates request', 'conflict'],
      [429, 'Too Many Requests: retry after 5', 'flood'],
      [500, 'Internal Server Error', 'server'],
      [400, 'Bad Request: something new', 'bad_request'],
    ];
    for (const [code, text, reason] of t) expect(classifyRefusal(code, text), text).toBe(reason);
  });
});
