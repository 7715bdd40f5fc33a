// telegram-cli's real clients, unchanged, against the daemon on the sandbox: pytg's Sender (a
// connection per command, n-1 bytes read, then a reset) and Receiver (main_session, JSON events
// with $ ids), telegram-history-dump (one connection, header + one JSON line + blank line), and
// events fanned out to every subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramedClient, HistoryDumpClient, PytgReceiver, cleanup, pytgSend, startDaemon, type Daemon } from './helpers.js';

let d: Daemon;
beforeAll(async () => {
  d = await startDaemon(['--sandbox', '--json', '-P', '0']);
});
afterAll(cleanup);

describe("pytg's Sender", () => {
  it('gets one JSON answer per connection although it reads n-1 bytes and resets', async () => {
    const r = await pytgSend(d.port!, 'resolve_username', ['example_user']);
    // n-1 bytes: the JSON without its final newline, which pytg's json.loads takes whole.
    expect(JSON.parse(r)).toMatchObject({ user: { id: '$010000006459670b02c0c7fd66d44708', username: 'example_user' } });
    const v = await pytgSend(d.port!, 'version');
    expect(JSON.parse(v)).toEqual({ version: 'tgsh 0.1.0' });
    const sent = await pytgSend(d.port!, 'msg', ['@example_user'], "it's a \\ test");
    expect(JSON.parse(sent)).toMatchObject({ result: 'SUCCESS', message_id: expect.any(Number) });
    const c = await FramedClient.open({ port: d.port! });
    c.send('sandbox inbox @example_user\n');
    const [inbox] = await c.next();
    expect((JSON.parse(inbox!) as Array<{ text: string }>).at(-1)!.text).toBe("it's a \\ test");
    c.close();
  });

  it('100 Senders in a row, every one answered, the daemon unharmed', async () => {
    for (let i = 0; i < 100; i++) expect(JSON.parse(await pytgSend(d.port!, 'version'))).toEqual({ version: 'tgsh 0.1.0' });
    expect(d.child.exitCode).toBeNull();
  });
});

describe("pytg's Receiver and main_session", () => {
  it('every connection that sent main_session receives each event; a closed one receives nothing and harms nothing', async () => {
    const a = await PytgReceiver.open(d.port!);
    const b = await PytgReceiver.open(d.port!);
    await new Promise((r) => setTimeout(r, 100));
    const actor = await FramedClient.open({ port: d.port! });
    actor.send('sandbox say @carol_never hello there\n');
    await actor.next();
    const carol = (e: Record<string, unknown>): boolean => JSON.stringify(e).includes('carol_never');
    const [ea, eb] = await Promise.all([a.takeWhere(2, carol), b.takeWhere(2, carol)]);
    expect(ea).toEqual(eb);
    const message = ea.find((e) => e.event === 'message')!;
    expect(message).toMatchObject({
      event: 'message',
      from: { id: '$0100000003c2eb0b0000000000000000', peer_type: 'user', username: 'carol_never' },
      to: { peer_type: 'user', username: 'tgsh_sandbox_bot' },
      out: false,
      unread: true,
      service: false,
      text: 'hello there',
    });
    expect(typeof message.date).toBe('number');
    // Carol had never written: writing starts her consent, and that is an event of its own.
    expect(ea.find((e) => e.event === 'consent')).toMatchObject({ event: 'consent', state: 'started', peer: { username: 'carol_never' } });

    a.close();
    actor.send('sandbox stop @carol_never\n');
    await actor.next();
    const more = await b.takeWhere(2, carol);
    expect(more.map((e) => (e.event === 'consent' ? `consent ${e.state as string}` : `message ${e.text as string}`))).toEqual(['message /stop', 'consent stopped']);
    expect(d.child.exitCode).toBeNull();
    b.close();
    actor.close();
  });

  it('text mode frames events as telegram-cli message lines', async () => {
    const t = await startDaemon(['--sandbox', '-P', '0']);
    const r = await FramedClient.open({ port: t.port! });
    r.send('main_session\n');
    await new Promise((x) => setTimeout(x, 100));
    const actor = await FramedClient.open({ port: t.port! });
    actor.send('sandbox say @carol_never hi\n');
    await actor.next();
    // The sandbox's seeded updates may come first, in the same batch.
    const frames: string[] = [];
    while (frames.length < 2) frames.push(...(await r.next(1)).filter((f) => f.includes('Carol')));
    expect(frames[0]).toMatch(/^ \[\d\d:\d\d\]  Carol Never >>> hi\n$/);
    expect(frames[1]).toBe('Carol Never started the bot\n');
    r.close();
    actor.close();
  });
});

describe('telegram-history-dump', () => {
  it('reads exactly one JSON line and the blank line per command on one connection', async () => {
    const h = await HistoryDumpClient.open(d.port!);
    const dialogs = (await h.command('dialog_list 1000')) as Array<{ id: string; print_name: string }>;
    expect(Array.isArray(dialogs)).toBe(true);
    expect(dialogs.every((p) => p.id.startsWith('$'))).toBe(true);
    // Commands tgsh does not have are one FAIL line each: the dump goes on.
    expect(await h.command('channel_list')).toMatchObject({ result: 'FAIL', error_code: 38 });
    expect(await h.command(`history ${dialogs[0]!.print_name} 100 0`)).toMatchObject({ result: 'FAIL' });
    expect(await h.command('load_photo 0102030405060708090a0b0c0d0e0f101112131415161718')).toMatchObject({ result: 'FAIL' });
    expect(await h.command('version')).toEqual({ version: 'tgsh 0.1.0' });
    h.close();
  });
});
