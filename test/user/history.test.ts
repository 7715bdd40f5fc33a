// Reading as the user: history with limit and offset (text and JSON, -N ids), dialog_list with
// unread counts, mark_read (both sides see it), contact_list, search; against the sandbox's DC.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMessageId } from '../../src/peers/message-id.js';
import type { SandboxSession } from '../helpers/sandbox.js';
import { ALICE, EXAMPLE, sandboxForFile, userSession } from './helpers.js';

const f = sandboxForFile();
let s: SandboxSession;
const LINE = /^ \[\d\d:\d\d\]  /;

beforeAll(async () => {
  s = f.keep(await userSession(f.sandbox(), { noBot: true }));
  for (let i = 1; i <= 5; i++) f.sandbox().world.driver.sendToUser('@alice_started', EXAMPLE, `h${i}`);
});

describe('history as the user', () => {
  it('shows the newest <limit> messages after skipping <offset>, oldest first, as telegram-cli lines', async () => {
    const lines = (await s.text('history @alice_started 2')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => LINE.test(l))).toBe(true);
    expect(lines.map((l) => l.replace(LINE, ''))).toEqual(['Alice Started >>> h4', 'Alice Started >>> h5']);
    const skipped = (await s.text('history @alice_started 2 1')).trimEnd().split('\n');
    expect(skipped.map((l) => l.replace(LINE, ''))).toEqual(['Alice Started >>> h3', 'Alice Started >>> h4']);
    // The default limit takes everything there is here.
    expect((await s.text('history @alice_started')).trimEnd().split('\n')).toHaveLength(5);
  });

  it('answers a JSON array of telegram-cli message objects whose ids work as arguments', async () => {
    const [list] = (await s.json('history @alice_started 3')) as Array<Array<Record<string, any>>>;
    expect(list!.map((m) => m.text)).toEqual(['h3', 'h4', 'h5']);
    const m = list![2]!;
    expect(Object.keys(m)).toEqual(['event', 'id', 'flags', 'from', 'to', 'out', 'unread', 'service', 'date', 'text']);
    expect(m).toMatchObject({ event: 'message', out: false, service: false, text: 'h5' });
    expect(m.from).toMatchObject({ peer_type: 'user', peer_id: ALICE, print_name: 'Alice_Started', username: 'alice_started' });
    expect(m.to).toMatchObject({ peer_type: 'user', peer_id: EXAMPLE });
    expect(m.id).toMatch(/^[0-9a-f]{48}$/);
    const id = parseMessageId(m.id);
    expect(id).toMatchObject({ kind: 'permanent', type: 'user', peerId: ALICE, messageId: 5 });
    expect(m.flags & 256).toBe(256);
    expect(typeof m.date).toBe('number');
  });

  it('-N puts the message id in front of each line', async () => {
    const n = f.keep(await s.reopen(['-N']));
    const lines = (await n.text('history @alice_started 2')).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^4 \[\d\d:\d\d\]  Alice Started >>> h4$/);
    expect(lines[1]).toMatch(/^5 \[\d\d:\d\d\]  Alice Started >>> h5$/);
  });

  it('search finds the messages with the text', async () => {
    f.sandbox().world.driver.sendToUser('@alice_started', EXAMPLE, 'lunch at noon?');
    const lines = (await s.text('search @alice_started LUNCH')).trimEnd().split('\n');
    expect(lines.map((l) => l.replace(LINE, ''))).toEqual(['Alice Started >>> lunch at noon?']);
    expect(await s.json('search @alice_started nothing-like-this')).toEqual([[]]);
  });
});

describe('dialogs, contacts and read marks as the user', () => {
  it('dialog_list lists the dialogs, newest first, with unread counts; mark_read clears them on both sides', async () => {
    f.sandbox().world.driver.sendToUser('@carol_never', EXAMPLE, 'hi from Carol');
    const before = (await s.text('dialog_list')).trimEnd().split('\n');
    expect(before[0]).toBe('User Carol Never: 1 unread');
    expect(before).toContain('User Alice Started: 6 unread');
    const [json] = (await s.json('dialog_list 1 1')) as Array<Array<Record<string, unknown>>>;
    expect(json).toHaveLength(1);
    expect(json![0]).toMatchObject({ peer_type: 'user', peer_id: ALICE, unread_count: 6 });

    expect(await s.text('mark_read @alice_started')).toBe('SUCCESS\n');
    expect(await s.text('dialog_list')).toContain('User Alice Started: 0 unread\n');
    expect(await s.text('dialog_list')).toContain('User Carol Never: 1 unread');
    // Alice sees her messages read: her outbox mark is her last message to Example.
    const alice = f.sandbox().world.accounts.account(ALICE);
    const last = alice.history({ type: 'user', id: EXAMPLE }).at(-1)!;
    expect(alice.readOutbox.get(`user:${EXAMPLE}`)).toBe(last.id);
  });

  it('contact_list lists the account’s contacts (contacts.getContacts)', async () => {
    const [json] = (await s.json('contact_list')) as Array<Array<Record<string, unknown>>>;
    expect(json!.map((p) => p.username)).toEqual(['alice_started', 'carol_never']);
    expect(json!.every((p) => ((p.flags as number) & (1 << 16)) !== 0)).toBe(true);
    expect((await s.text('contact_list')).split('\n')[0]).toMatch(/^Alice Started\t@alice_started/);
  });
});
