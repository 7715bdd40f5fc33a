// The peer store service in one process: upserts, print names, usernames, consent, forget, purge,
// lookups and every reference form, completion, the update offset, writing once per flush.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePeerRef, type PeerRef } from '../../src/peers/ref.js';
import { encodePermanentId } from '../../src/peers/permanent-id.js';
import type { PeerRecord } from '../../src/peers/types.js';
import { ConfDriver } from '../../src/store/conf-driver.js';
import type { PeerStore } from '../../src/store/peer-store.js';
import { manualClock, open, readStoreFile, tempProfile, type StoreFile, type TempProfile } from './helpers.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const profiles: TempProfile[] = [];
const stores: PeerStore[] = [];

async function fresh(clock = manualClock()): Promise<{ p: TempProfile; s: PeerStore; clock: ReturnType<typeof manualClock> }> {
  const p = tempProfile();
  profiles.push(p);
  const s = await open(p, { clock: clock.now });
  stores.push(s);
  return { p, s, clock };
}

async function reopen(p: TempProfile, clock = manualClock()): Promise<PeerStore> {
  const s = await open(p, { clock: clock.now });
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const p of profiles.splice(0)) p.cleanup();
  vi.restoreAllMocks();
});

const ref = (token: string): PeerRef => {
  const r = parsePeerRef(token);
  if (!r.ok) throw new Error(r.error);
  return r.ref;
};

function fileDoc(p: TempProfile): StoreFile {
  return readStoreFile(p.paths.peers);
}

describe('upsert', () => {
  it('creates a record with everything Telegram told', async () => {
    const { s, clock } = await fresh();
    const at = clock.now();
    const r = s.upsert({ kind: 'user', id: 191322468, accessHash: '596679014459359234', firstName: 'John', lastName: 'Smith', usernames: ['jsmith'], phone: '15551234', interaction: true }, 'mtproto');
    expect(r).toMatchObject({
      kind: 'user',
      id: 191322468,
      accessHash: '596679014459359234',
      firstName: 'John',
      lastName: 'Smith',
      usernames: ['jsmith'],
      phone: '15551234',
      printName: 'John_Smith',
      botApiChatId: 191322468,
      sources: ['mtproto'],
      firstSeen: at,
      lastSeen: at,
      lastInteraction: at,
      usernamesCheckedAt: at,
    });
    expect(r.updatedAt).toBeGreaterThanOrEqual(at);
  });

  it('merges later facts into the same record, keeping what was not said', async () => {
    const { s, clock } = await fresh();
    const first = s.upsert({ kind: 'user', id: 5, firstName: 'Ann', phone: '123' }, 'botapi');
    clock.advance(HOUR);
    const again = s.upsert({ kind: 'bot', id: 5, lastName: 'Lee', accessHash: '-77' }, 'mtproto');
    expect(again).toBe(first);
    expect(again).toMatchObject({ kind: 'bot', firstName: 'Ann', lastName: 'Lee', phone: '123', accessHash: '-77', sources: ['botapi', 'mtproto'], lastSeen: clock.now() });
    expect(again.firstSeen).toBe(clock.now() - HOUR);
    // null means "has none"
    s.upsert({ kind: 'bot', id: 5, lastName: null, phone: null }, 'mtproto');
    expect(again.lastName).toBeUndefined();
    expect(again.phone).toBeUndefined();
    expect(s.size).toBe(1);
  });

  it('keeps access hashes as signed decimal strings; one above 2^63 - 1 becomes signed', async () => {
    const { p, s } = await fresh();
    s.upsert({ kind: 'channel', id: 10, title: 'News', accessHash: '18446744073709551615' }, 'mtproto');
    s.upsert({ kind: 'user', id: 11, firstName: 'B', accessHash: 9223372036854775808n }, 'mtproto');
    s.upsert({ kind: 'user', id: 12, firstName: 'C', accessHash: { toString: () => '12612757716591042614' } }, 'mtproto');
    expect(s.get('channel', 10)?.accessHash).toBe('-1');
    expect(s.get('user', 11)?.accessHash).toBe('-9223372036854775808');
    expect(s.get('user', 12)?.accessHash).toBe(String(12612757716591042614n - 2n ** 64n));
    await s.flush();
    const doc = fileDoc(p);
    expect(doc.peers['channel:10']!.accessHash).toBe('-1');
    expect(typeof doc.peers['user:11']!.accessHash).toBe('string');
    expect(() => s.upsert({ kind: 'user', id: 13, accessHash: 2 ** 62 }, 'mtproto')).toThrow(/precision/);
  });

  it('refuses a bad kind or id', async () => {
    const { s } = await fresh();
    expect(() => s.upsert({ kind: 'group' as never, id: 1 }, 'mtproto')).toThrow(/kind/);
    expect(() => s.upsert({ kind: 'user', id: 0 }, 'mtproto')).toThrow(/id/);
    expect(() => s.upsert({ kind: 'user', id: -5 }, 'mtproto')).toThrow(/id/);
  });

  it('sets the Bot API chat id by class', async () => {
    const { s } = await fresh();
    expect(s.upsert({ kind: 'user', id: 7, firstName: 'U' }, 'botapi').botApiChatId).toBe(7);
    expect(s.upsert({ kind: 'chat', id: 7, title: 'G' }, 'botapi').botApiChatId).toBe(-7);
    expect(s.upsert({ kind: 'supergroup', id: 7, title: 'S' }, 'botapi').botApiChatId).toBe(-1000000000007);
    expect(s.size).toBe(3);
    expect(s.byBotApiChatId(-7)?.title).toBe('G');
    expect(s.byBotApiChatId(-1000000000007)?.title).toBe('S');
    expect(s.byBotApiChatId(7)?.firstName).toBe('U');
  });
});

describe('print names', () => {
  it('collisions get the first free #1, #2; names with #, $, @ and spaces are cleaned; unicode stays', async () => {
    const { s } = await fresh();
    const a = s.upsert({ kind: 'user', id: 1, firstName: 'John', lastName: 'Smith' }, 'mtproto');
    const b = s.upsert({ kind: 'user', id: 2, firstName: 'John', lastName: 'Smith' }, 'mtproto');
    const c = s.upsert({ kind: 'user', id: 3, firstName: 'John Smith' }, 'mtproto');
    const d = s.upsert({ kind: 'channel', id: 4, title: 'John Smith' }, 'mtproto');
    expect([a.printName, b.printName, c.printName, d.printName]).toEqual(['John_Smith', 'John_Smith#1', 'John_Smith#2', 'John_Smith#3']);
    expect(s.upsert({ kind: 'user', id: 5, firstName: '#1 $fan$', lastName: '@home now' }, 'mtproto').printName).toBe('_1__fan___home_now');
    expect(s.upsert({ kind: 'user', id: 6, firstName: 'Jürgen', lastName: 'Müller' }, 'mtproto').printName).toBe('Jürgen_Müller');
    expect(s.upsert({ kind: 'user', id: 7, firstName: '山田', lastName: '太郎' }, 'mtproto').printName).toBe('山田_太郎');
    expect(s.upsert({ kind: 'supergroup', id: 8, title: '🚀 Rockets\n& more' }, 'mtproto').printName).toBe('🚀_Rockets_&_more');
    expect(s.byPrintName('John_Smith#2')).toBe(c);
    expect(s.byPrintName('john_smith')).toBeUndefined(); // exact, case-sensitive
  });

  it('are stable once given: a rename keeps the print name', async () => {
    const { p, s } = await fresh();
    const r = s.upsert({ kind: 'user', id: 1, firstName: 'Old', lastName: 'Name' }, 'mtproto');
    s.upsert({ kind: 'user', id: 1, firstName: 'New', lastName: 'Name' }, 'updates');
    expect(r.printName).toBe('Old_Name');
    expect(r.firstName).toBe('New');
    await s.close();
    const again = await reopen(p);
    expect(again.get('user', 1)?.printName).toBe('Old_Name');
    // A new peer with the old name gets a suffix.
    expect(again.upsert({ kind: 'user', id: 2, firstName: 'Old', lastName: 'Name' }, 'mtproto').printName).toBe('Old_Name#1');
  });

  it('a peer first known without a name gets user#N, replaced once its name arrives', async () => {
    const { s } = await fresh();
    const r = s.upsert({ kind: 'user', id: 42 }, 'updates');
    expect(r.printName).toBe('user#42');
    s.upsert({ kind: 'user', id: 42, firstName: 'Finally' }, 'mtproto');
    expect(r.printName).toBe('Finally');
    expect(s.byPrintName('user#42')).toBeUndefined();
  });

  it('a name freed by forget is the first free again', async () => {
    const { s } = await fresh();
    for (let i = 1; i <= 4; i++) s.upsert({ kind: 'user', id: i, firstName: 'Al' }, 'mtproto');
    expect(s.get('user', 4)?.printName).toBe('Al#3');
    s.forget({ kind: 'user', id: 2 }); // Al#1
    expect(s.upsert({ kind: 'user', id: 5, firstName: 'Al' }, 'mtproto').printName).toBe('Al#1');
    expect(s.upsert({ kind: 'user', id: 6, firstName: 'Al' }, 'mtproto').printName).toBe('Al#4');
  });
});

describe('usernames', () => {
  it('are matched in any case and kept as spelled; one differing only in case is the same username', async () => {
    const { s } = await fresh();
    const a = s.upsert({ kind: 'user', id: 1, firstName: 'A', usernames: ['JohnDoe'] }, 'mtproto');
    expect(s.byUsername('johndoe')).toBe(a);
    expect(s.byUsername('@JOHNDOE')).toBe(a);
    expect(a.usernames).toEqual(['JohnDoe']);
    // Telegram says another user now holds it (in another case): the first loses it.
    const b = s.upsert({ kind: 'user', id: 2, firstName: 'B', usernames: ['johndoe'] }, 'mtproto');
    expect(s.byUsername('JohnDoe')).toBe(b);
    expect(a.usernames).toEqual([]);
    expect(s.completions('@john')).toEqual(['@johndoe']);
  });

  it('a peer with three usernames is found by each of them', async () => {
    const { p, s } = await fresh();
    const r = s.upsert({ kind: 'user', id: 3, firstName: 'Tri', usernames: ['one_name', 'TwoName', 'three_3', 'one_name'] }, 'mtproto');
    expect(r.usernames).toEqual(['one_name', 'TwoName', 'three_3']);
    for (const u of ['@one_name', '@twoname', '@THREE_3']) expect((s.resolveRef(ref(u)) as { peer: unknown }).peer).toBe(r);
    await s.close();
    const again = await reopen(p);
    for (const u of ['one_name', 'twoname', 'three_3']) expect(again.byUsername(u)?.id).toBe(3);
    // A new list replaces the old one: the dropped name no longer finds the peer.
    again.upsert({ kind: 'user', id: 3, usernames: ['one_name', 'three_3'] }, 'mtproto');
    expect(again.byUsername('twoname')).toBeUndefined();
  });

  it('an older report of usernames does not undo a newer one', async () => {
    const { s, clock } = await fresh();
    const r = s.upsert({ kind: 'user', id: 9, firstName: 'N', usernames: ['new_name'] }, 'mtproto');
    s.upsert({ kind: 'user', id: 9, usernames: ['old_name'], at: clock.now() - HOUR }, 'updates');
    expect(r.usernames).toEqual(['new_name']);
    expect(s.byUsername('old_name')).toBeUndefined();
  });

  it('the Bot API main username moves to the front, or replaces the list when new', async () => {
    const { s } = await fresh();
    const r = s.upsert({ kind: 'user', id: 4, firstName: 'X', usernames: ['main', 'extra'] }, 'mtproto');
    s.upsert({ kind: 'user', id: 4, username: 'Extra' }, 'botapi');
    expect(r.usernames).toEqual(['Extra', 'main']);
    s.upsert({ kind: 'user', id: 4, username: 'brand_new' }, 'botapi');
    expect(r.usernames).toEqual(['brand_new']);
    s.upsert({ kind: 'user', id: 4, username: null }, 'botapi');
    expect(r.usernames).toEqual([]);
  });

  it('a username mapping older than the TTL is flagged stale (24 h by default, configurable)', async () => {
    const { s, clock } = await fresh();
    s.upsert({ kind: 'user', id: 1, firstName: 'A', usernames: ['alice'] }, 'mtproto');
    s.upsert({ kind: 'user', id: 2, firstName: 'B' }, 'mtproto');
    expect(s.resolveRef(ref('@alice'))).toMatchObject({ stale: false, known: true });
    clock.advance(23 * HOUR);
    expect(s.resolveRef(ref('@alice'))).toMatchObject({ stale: false });
    clock.advance(2 * HOUR);
    const r = s.resolveRef(ref('@alice'));
    expect(r).toMatchObject({ stale: true, checkedAt: clock.now() - 25 * HOUR });
    await s.settings.set('username_ttl_hours', 48);
    expect(s.resolveRef(ref('@alice'))).toMatchObject({ stale: false });
    // Confirmed again: fresh.
    await s.settings.set('username_ttl_hours', 1);
    s.upsert({ kind: 'user', id: 1, usernames: ['alice'] }, 'mtproto');
    expect(s.resolveRef(ref('@alice'))).toMatchObject({ stale: false });
  });
});

describe('resolveRef: every reference form', () => {
  async function seeded() {
    const f = await fresh();
    const { s } = f;
    s.upsert({ kind: 'user', id: 191322468, accessHash: '596679014459359234', firstName: 'Example', usernames: ['example_user'] }, 'mtproto');
    s.upsert({ kind: 'chat', id: 55, title: 'Old Group' }, 'botapi');
    s.upsert({ kind: 'supergroup', id: 1234567890, accessHash: '-9', title: 'Big Group', usernames: ['biggroup'] }, 'mtproto');
    s.upsert({ kind: 'channel', id: 2000, title: '2024' }, 'mtproto');
    return f;
  }
  const peerOf = (r: ReturnType<PeerStore['resolveRef']>) => {
    if ('error' in r) throw new Error(r.error);
    return r.peer;
  };

  it('permanent ids, known and never seen (the id carries the access hash)', async () => {
    const { s } = await seeded();
    expect(peerOf(s.resolveRef(ref('$010000006459670b02c0c7fd66d44708'))).firstName).toBe('Example');
    const unseen = s.resolveRef(ref(encodePermanentId({ type: 'user', id: 777, accessHash: -5n })));
    expect(unseen).toMatchObject({ known: false, peer: { kind: 'user', id: 777, accessHash: '-5', printName: 'user#777', usernames: [] } });
    const unseenChannel = s.resolveRef(ref(encodePermanentId({ type: 'channel', id: 3_000_000_000, accessHash: 123n })));
    expect(unseenChannel).toMatchObject({ known: false, peer: { kind: 'channel', id: 3_000_000_000, accessHash: '123', botApiChatId: -1003000000000 } });
    expect(s.size).toBe(4); // a lookup never adds
    expect(s.resolveRef(ref(encodePermanentId({ type: 'encr_chat', id: 1, accessHash: 0n })))).toMatchObject({ error: 'secret chats are not supported' });
  });

  it('typed ids: user#N, user#idN, chat#N, channel#N', async () => {
    const { s } = await seeded();
    expect(peerOf(s.resolveRef(ref('user#191322468'))).firstName).toBe('Example');
    expect(peerOf(s.resolveRef(ref('user#id191322468'))).firstName).toBe('Example');
    expect(peerOf(s.resolveRef(ref('chat#55'))).title).toBe('Old Group');
    expect(peerOf(s.resolveRef(ref('channel#1234567890'))).title).toBe('Big Group');
    expect(s.resolveRef(ref('user#9'))).toMatchObject({ code: 22, error: "unknown peer 'user#9'" });
    expect(s.resolveRef(ref('secret_chat#1'))).toMatchObject({ error: 'secret chats are not supported' });
  });

  it('Bot API ids, and a title made of digits as a print name', async () => {
    const { s } = await seeded();
    expect(peerOf(s.resolveRef(ref('191322468'))).firstName).toBe('Example');
    expect(peerOf(s.resolveRef(ref('-55'))).title).toBe('Old Group');
    expect(peerOf(s.resolveRef(ref('-1001234567890'))).title).toBe('Big Group');
    expect(peerOf(s.resolveRef(ref('2024'))).title).toBe('2024');
    expect(s.resolveRef(ref('-1009999'))).toMatchObject({ code: 22 });
  });

  it('@usernames and t.me links', async () => {
    const { s } = await seeded();
    expect(peerOf(s.resolveRef(ref('@Example_User'))).id).toBe(191322468);
    expect(peerOf(s.resolveRef(ref('https://t.me/biggroup'))).id).toBe(1234567890);
    const miss = s.resolveRef(ref('@nobody'));
    expect(miss).toMatchObject({ code: 22, error: "unknown peer '@nobody'" });
    expect((miss as { hint: string }).hint).toContain("resolve_username nobody");
  });

  it('exact print names, with a hint for a near miss', async () => {
    const { s } = await seeded();
    expect(peerOf(s.resolveRef(ref('Big_Group'))).id).toBe(1234567890);
    expect(s.resolveRef(ref('big_group'))).toMatchObject({ error: "unknown peer 'big_group'", hint: "print names are case-sensitive: did you mean 'Big_Group'?" });
    expect((s.resolveRef(ref('example_user')) as { hint: string }).hint).toBe("did you mean '@example_user'?");
  });

  it('restricts the class when asked', async () => {
    const { s } = await seeded();
    expect(s.resolveRef(ref('@biggroup'), { want: 'user' })).toMatchObject({ code: 22, error: "'@biggroup' is a channel, not a user" });
    expect(peerOf(s.resolveRef(ref('@biggroup'), { want: 'channel' })).id).toBe(1234567890);
  });

  it('isKnownPeer says whether a bare word is a print name', async () => {
    const { s } = await seeded();
    expect(s.isKnownPeer('Big_Group')).toBe(true);
    expect(s.isKnownPeer('Example')).toBe(true);
    expect(s.isKnownPeer('hello')).toBe(false);
  });
});

describe('completion', () => {
  it('offers print names then @usernames, by prefix in any case, sorted and limited', async () => {
    const { s } = await fresh();
    s.upsert({ kind: 'user', id: 1, firstName: 'Alice', lastName: 'Smith', usernames: ['alice_s'] }, 'mtproto');
    s.upsert({ kind: 'user', id: 2, firstName: 'alan', usernames: ['Alan_T', 'al_turing'] }, 'mtproto');
    s.upsert({ kind: 'user', id: 3, firstName: 'Bob', usernames: ['bob'] }, 'mtproto');
    expect(s.completions('al')).toEqual(['alan', 'Alice_Smith', '@al_turing', '@Alan_T', '@alice_s']);
    expect(s.completions('@AL')).toEqual(['@al_turing', '@Alan_T', '@alice_s']);
    expect(s.completions('al', 2)).toEqual(['alan', 'Alice_Smith']);
    expect(s.completions('zz')).toEqual([]);
    // The lists follow changes.
    s.forget({ kind: 'user', id: 2 });
    expect(s.completions('@al')).toEqual(['@alice_s']);
  });
});

describe('consent and membership', () => {
  it('records started (payload, time), blocked, stopped and unknown; kept across restarts', async () => {
    const { p, s, clock } = await fresh();
    s.upsert({ kind: 'user', id: 1, firstName: 'U' }, 'botapi');
    const r = s.setConsent({ kind: 'user', id: 1 }, 'started', { payload: 'ref-42' });
    expect(r.consent).toEqual({ state: 'started', at: clock.now(), payload: 'ref-42' });
    expect(r.lastInteraction).toBe(clock.now());
    clock.advance(DAY);
    s.setConsent(r, 'blocked');
    expect(r.consent).toEqual({ state: 'blocked', at: clock.now() });
    s.setConsent(r, 'stopped');
    expect(r.consent?.state).toBe('stopped');
    await s.close();
    const again = await reopen(p);
    expect(again.get('user', 1)?.consent?.state).toBe('stopped');
    again.setConsent({ cls: 'user', id: 1 }, 'unknown');
    expect(again.get('user', 1)?.consent?.state).toBe('unknown');
  });

  it('membership is for groups and channels; consent for users and bots', async () => {
    const { s } = await fresh();
    s.upsert({ kind: 'supergroup', id: 9, title: 'G' }, 'botapi');
    s.upsert({ kind: 'user', id: 1, firstName: 'U' }, 'botapi');
    expect(s.setMembership({ kind: 'supergroup', id: 9 }, 'administrator').membership?.status).toBe('administrator');
    expect(() => s.setConsent({ kind: 'supergroup', id: 9 }, 'started')).toThrow(/users and bots/);
    expect(() => s.setMembership({ kind: 'user', id: 1 }, 'member')).toThrow(/groups and channels/);
    expect(() => s.setConsent({ kind: 'user', id: 404 }, 'started')).toThrow(/unknown peer user#404/);
  });
});

describe('forget and purge', () => {
  it('forget removes the record, its usernames, print name and consent, and writes a tombstone', async () => {
    const { p, s } = await fresh();
    s.upsert({ kind: 'user', id: 1, firstName: 'Gone', usernames: ['gone_user'] }, 'mtproto');
    s.setConsent({ kind: 'user', id: 1 }, 'started');
    await s.flush();
    expect(s.forget({ kind: 'user', id: 1 })?.printName).toBe('Gone');
    expect(s.byUsername('gone_user')).toBeUndefined();
    expect(s.byPrintName('Gone')).toBeUndefined();
    expect(s.get('user', 1)).toBeUndefined();
    expect(s.forget({ kind: 'user', id: 1 })).toBeUndefined();
    await s.flush();
    const doc = fileDoc(p);
    expect(doc.peers['user:1']).toBeUndefined();
    expect(doc.tombstones['user:1']).toBeGreaterThan(0);
    expect(readFileSync(p.paths.peers, 'utf8')).not.toContain('gone_user');
    // Met again later: it comes back as new, without the old consent.
    const back = s.upsert({ kind: 'user', id: 1, firstName: 'Gone' }, 'updates');
    expect(back.consent).toBeUndefined();
    await s.flush();
    expect(fileDoc(p).tombstones['user:1']).toBeUndefined();
  });

  it('purge removes users and bots with no interaction for N days (dry run first), never groups or self', async () => {
    const clock = manualClock();
    const { s } = await fresh(clock);
    s.upsert({ kind: 'user', id: 1, firstName: 'Old', interaction: true }, 'botapi');
    s.upsert({ kind: 'bot', id: 2, firstName: 'OldBot' }, 'botapi');
    s.upsert({ kind: 'user', id: 3, firstName: 'Me' }, 'botapi');
    s.upsert({ kind: 'supergroup', id: 4, title: 'Quiet group' }, 'botapi');
    await s.credentials.setIdentity({ kind: 'user', id: 3, first_name: 'Me', at: clock.now() });
    clock.advance(40 * DAY);
    s.upsert({ kind: 'user', id: 5, firstName: 'Recent' }, 'botapi'); // seen, never interacted, but new
    s.upsert({ kind: 'user', id: 6, firstName: 'Active' }, 'botapi');
    clock.advance(20 * DAY);
    s.touchInteraction({ kind: 'user', id: 6 });
    // 60 days after the first ones, 20 after the recent one.
    const dry = s.purge({ inactiveDays: 30, dryRun: true });
    expect(dry.map((p) => p.printName)).toEqual(['Old', 'OldBot']);
    expect(s.size).toBe(6);
    expect(s.purge({ inactiveDays: 30 }).map((p) => p.id)).toEqual([1, 2]);
    expect(s.size).toBe(4);
    expect(s.purge({ inactiveDays: 10 }).map((p) => p.id)).toEqual([5]);
    // Default N from the settings.
    await s.settings.set('purge_inactive_days', 1);
    clock.advance(2 * DAY);
    expect(s.purge().map((p) => p.id)).toEqual([6]);
    expect(s.get('user', 3)).toBeDefined();
    expect(s.get('channel', 4)).toBeDefined();
  });

  it('purge_on_start purges when the store opens, and says so', async () => {
    const clock = manualClock();
    const { p, s } = await fresh(clock);
    s.upsert({ kind: 'user', id: 1, firstName: 'Old' }, 'botapi');
    await s.settings.set('purge_on_start', true);
    await s.settings.set('purge_inactive_days', 7);
    await s.close();
    clock.advance(8 * DAY);
    const again = await reopen(p, clock);
    expect(again.size).toBe(0);
    expect(p.notices.join('\n')).toContain('purged 1 user(s) with no interaction for 7 days');
  });
});

describe('writing', () => {
  it('many changes in one command are one write (one conf.store assignment)', async () => {
    const { p, s } = await fresh();
    const write = vi.spyOn(ConfDriver.prototype, 'write');
    const read = vi.spyOn(ConfDriver.prototype, 'read');
    for (let i = 1; i <= 500; i++) s.upsert({ kind: 'user', id: i, firstName: `P${i}`, usernames: [`p${i}`] }, 'mtproto');
    s.setConsent({ kind: 'user', id: 1 }, 'started');
    s.forget({ kind: 'user', id: 2 });
    expect(write).not.toHaveBeenCalled(); // nothing is written before the flush
    await s.flush();
    expect(write).toHaveBeenCalledTimes(1);
    expect(read.mock.calls.length).toBeLessThanOrEqual(1);
    expect(Object.keys(fileDoc(p).peers)).toHaveLength(499);
    await s.flush(); // nothing new: nothing written
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('another process\'s peers appear in memory after a flush', async () => {
    const { p, s } = await fresh();
    const other = await reopen(p);
    other.upsert({ kind: 'user', id: 100, firstName: 'FromOther', usernames: ['from_other'] }, 'mtproto');
    await other.flush();
    expect(s.byUsername('from_other')).toBeUndefined();
    s.upsert({ kind: 'user', id: 200, firstName: 'Mine' }, 'mtproto');
    await s.flush();
    expect(s.byUsername('from_other')?.id).toBe(100);
    expect(s.size).toBe(2);
  });

  it('two processes giving one print name to different peers end with unique names', async () => {
    const { p, s } = await fresh();
    const other = await reopen(p);
    const mine = s.upsert({ kind: 'user', id: 1, firstName: 'Sam' }, 'mtproto');
    other.upsert({ kind: 'user', id: 2, firstName: 'Sam' }, 'mtproto');
    await other.flush(); // written first: keeps "Sam"
    await s.flush();
    expect(mine.printName).toBe('Sam#1'); // only this process had it, and only in memory
    expect(s.byPrintName('Sam')?.id).toBe(2);
    expect(s.byPrintName('Sam#1')).toBe(mine);
    const doc = fileDoc(p);
    expect(doc.peers['user:1']!.printName).toBe('Sam#1');
    expect(doc.peers['user:2']!.printName).toBe('Sam');
  });

  it('the newer change to one peer wins', async () => {
    const clock = manualClock();
    const { p, s } = await fresh(clock);
    s.upsert({ kind: 'user', id: 1, firstName: 'Base' }, 'mtproto');
    await s.flush();
    const other = await reopen(p, clock);
    s.upsert({ kind: 'user', id: 1, lastName: 'Older' }, 'mtproto');
    clock.advance(1000);
    other.upsert({ kind: 'user', id: 1, lastName: 'Newer' }, 'mtproto');
    await other.flush();
    await s.flush();
    expect(fileDoc(p).peers['user:1']!.lastName).toBe('Newer');
    expect(s.get('user', 1)?.lastName).toBe('Newer');
  });

  it('auto flush writes pending changes within its interval, on an unref\'d timer', async () => {
    const { p, s } = await fresh();
    s.startAutoFlush(20);
    s.upsert({ kind: 'user', id: 1, firstName: 'Timed' }, 'updates');
    await vi.waitFor(() => expect(() => fileDoc(p).peers['user:1']).not.toThrow(), { timeout: 10_000, interval: 20 });
    expect(fileDoc(p).peers['user:1']!.firstName).toBe('Timed');
    s.stopAutoFlush();
  });

  it('close flushes; a second close is harmless', async () => {
    const { p, s } = await fresh();
    s.upsert({ kind: 'user', id: 1, firstName: 'Closing' }, 'updates');
    await s.close();
    await s.close();
    expect(fileDoc(p).peers['user:1']!.firstName).toBe('Closing');
  });

  it('the update offset is written with the peers, and only by a flush', async () => {
    const { p, s } = await fresh();
    expect(s.getUpdateOffset()).toBeUndefined();
    s.upsert({ kind: 'user', id: 1, firstName: 'From update' }, 'updates');
    s.setUpdateOffset(1001);
    expect(s.getUpdateOffset()).toBe(1001);
    const before = await reopen(p);
    expect(before.getUpdateOffset()).toBeUndefined();
    await s.flush();
    expect(fileDoc(p).state.update_offset!.value).toBe(1001);
    const after = await reopen(p);
    expect(after.getUpdateOffset()).toBe(1001);
    expect(after.get('user', 1)).toBeDefined();
  });
});

/** Every bot's consent state in a record, by bot. */
function allStates(s: { get(k: 'user', id: number): PeerRecord | undefined }, p: PeerRecord): Array<[number | undefined, string]> {
  const r = s.get('user', p.id)!;
  return [r.consent, ...(r.otherConsents ?? [])].map((c) => [c!.bot, c!.state] as [number | undefined, string]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

describe('one ledger per bot', () => {
  it("consent and membership hold for the bot that learned them; another bot of the profile reads none", async () => {
    const { p, s } = await fresh();
    s.useBot(111);
    s.upsert({ kind: 'user', id: 1, firstName: 'Ann' }, 'updates');
    s.upsert({ kind: 'channel', id: 9, title: 'News' }, 'updates');
    s.setConsent({ kind: 'user', id: 1 }, 'started', { payload: 'hi' });
    s.setMembership({ kind: 'channel', id: 9 }, 'administrator');
    expect(s.consentOf(s.get('user', 1)!)).toMatchObject({ state: 'started', bot: 111 });
    await s.flush();

    const other = await reopen(p);
    other.useBot(222);
    const ann = other.get('user', 1)!;
    expect(other.consentOf(ann)).toBeUndefined();
    expect(other.membershipOf(other.get('channel', 9)!)).toBeUndefined();
    expect(other.contacts()[0]!.consent).toBeUndefined();
    expect(other.dialogs().find((d) => d.id === 9)!.membership).toBeUndefined();
    // The scoped view is a copy: the record itself still holds bot 111's entry.
    expect(ann.consent?.bot).toBe(111);
    expect(other.scoped(ann)).not.toBe(ann);

    const same = await reopen(p);
    same.useBot(111);
    expect(same.scoped(same.get('user', 1)!)).toBe(same.get('user', 1));
    expect(same.contacts()[0]!.consent).toMatchObject({ state: 'started', payload: 'hi' });
    // Unbound (no bot configured) and entries from before bots were recorded: shown as they are.
    const unbound = await reopen(p);
    expect(unbound.consentOf(unbound.get('user', 1)!)?.state).toBe('started');
  });

  it('two bots of one profile keep their own consent and membership for the same people', async () => {
    const { p, s } = await fresh();
    s.upsert({ kind: 'user', id: 1, firstName: 'Ann' }, 'updates');
    s.upsert({ kind: 'channel', id: 9, title: 'News' }, 'updates');
    s.useBot(111);
    s.setConsent({ kind: 'user', id: 1 }, 'started', { payload: 'a' });
    s.setMembership({ kind: 'channel', id: 9 }, 'administrator');
    s.useBot(222);
    s.setConsent({ kind: 'user', id: 1 }, 'blocked');
    s.setMembership({ kind: 'channel', id: 9 }, 'left');
    // Bot 111's entries survive bot 222's, in memory and in the file.
    expect(s.consentOf(s.get('user', 1)!)).toMatchObject({ state: 'blocked', bot: 222 });
    await s.flush();
    const after = await reopen(p);
    after.useBot(111);
    const ann = after.get('user', 1)!;
    expect(after.consentOf(ann)).toMatchObject({ state: 'started', payload: 'a', bot: 111 });
    expect(after.membershipOf(after.get('channel', 9)!)).toMatchObject({ status: 'administrator', bot: 111 });
    // The scoped view shows the bound bot's entries only.
    const seen = after.scoped(ann);
    expect(seen.consent).toMatchObject({ state: 'started', bot: 111 });
    expect(seen.otherConsents).toBeUndefined();
    expect(after.contacts().find((c) => c.id === 1)!.consent?.state).toBe('started');
    after.useBot(222);
    expect(after.consentOf(ann)).toMatchObject({ state: 'blocked', bot: 222 });
    after.useBot(333);
    expect(after.consentOf(ann)).toBeUndefined();
    // Bot 111 learns something new: its entry is replaced, bot 222's kept.
    after.useBot(111);
    after.setConsent({ kind: 'user', id: 1 }, 'stopped');
    expect(allStates(after, ann)).toEqual([[111, 'stopped'], [222, 'blocked']]);

    // Export and import carry every bot's entries; per bot, the newer one wins.
    const doc = after.exportDocument();
    const { s: other } = await fresh();
    other.importDocument(doc);
    other.useBot(222);
    expect(other.consentOf(other.get('user', 1)!)?.state).toBe('blocked');
    other.useBot(111);
    expect(other.consentOf(other.get('user', 1)!)?.state).toBe('stopped');
    expect(other.membershipOf(other.get('channel', 9)!)?.status).toBe('administrator');
  });

  it('each bot has its own update offset', async () => {
    const { p, s } = await fresh();
    s.useBot(111);
    s.setUpdateOffset(500);
    s.useBot(222);
    expect(s.getUpdateOffset()).toBeUndefined();
    s.setUpdateOffset(7);
    await s.flush();
    const after = await reopen(p);
    after.useBot(111);
    expect(after.getUpdateOffset()).toBe(500);
    after.useBot(222);
    expect(after.getUpdateOffset()).toBe(7);
    expect(fileDoc(p).state['update_offset:111']!.value).toBe(500);
  });
});

describe('contacts and dialogs', () => {
  it("contacts are users and bots by print name; dialogs the bot's chats, most recently seen first", async () => {
    const clock = manualClock();
    const { s } = await fresh(clock);
    // Met over MTProto only (a lookup), and the bot itself: not the bot's chats.
    s.upsert({ kind: 'user', id: 4, firstName: 'Looked Up' }, 'mtproto');
    s.upsert({ kind: 'bot', id: 5, firstName: 'Me' }, 'updates');
    s.useBot(5);
    s.upsert({ kind: 'user', id: 1, firstName: 'zed' }, 'botapi');
    clock.advance(1000);
    s.upsert({ kind: 'bot', id: 2, firstName: 'Alpha' }, 'botapi');
    clock.advance(1000);
    s.upsert({ kind: 'chat', id: 3, title: 'Group' }, 'botapi');
    expect(s.contacts().map((p) => p.printName)).toEqual(['Alpha', 'Looked_Up', 'Me', 'zed']);
    expect(s.dialogs().map((p) => p.printName)).toEqual(['Group', 'Alpha', 'zed']);
    // A consent learned over any path makes a chat of it.
    s.setConsent({ kind: 'user', id: 4 }, 'started');
    expect(s.dialogs().map((p) => p.printName)).toContain('Looked_Up');
    expect(s.dialogs({ limit: 1, offset: 1 }).map((p) => p.printName)).toEqual(['Alpha']);
    expect(s.dialogs({ limit: 5, offset: 5 })).toEqual([]);
  });
});
