// The contract every peer store backend keeps (as mtcute's testPeersRepository): run by
// contract-<backend>.test.ts with a factory of fixtures. A fixture gives new backends on one
// storage (a second backend on it is a reopen, or another process when both are open at once).
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePeerRef, type PeerRef } from '../../src/peers/ref.js';
import type { PeerBackend } from '../../src/store/backend.js';
import type { PeerStore } from '../../src/store/peer-store.js';
import { manualClock, open, tempProfile, type TempProfile } from './helpers.js';

export interface BackendFixture {
  /** A new backend on this fixture's storage. */
  backend(): PeerBackend;
  cleanup(): Promise<void> | void;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const ref = (token: string): PeerRef => {
  const r = parsePeerRef(token);
  if (!r.ok) throw new Error(r.error);
  return r.ref;
};

/** Every peer of a store, by key, without what a copy may change (sources, change times). */
function portable(s: PeerStore): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of s.all()) {
    const { sources: _s, updatedAt: _u, ...rest } = p;
    out[`${p.kind}:${p.id}`] = JSON.parse(JSON.stringify(rest));
  }
  return out;
}

export function testPeerStoreBackend(name: string, makeFixture: () => Promise<BackendFixture> | BackendFixture): void {
  describe(`peer store backend contract: ${name}`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    const stores: PeerStore[] = [];

    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close().catch(() => {});
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function setup(clock = manualClock()): Promise<{ fx: BackendFixture; p: TempProfile; s: PeerStore; clock: ReturnType<typeof manualClock>; reopen(): Promise<PeerStore> }> {
      const fx = await makeFixture();
      cleanups.push(() => fx.cleanup());
      const p = tempProfile();
      cleanups.push(() => p.cleanup());
      const reopen = async (): Promise<PeerStore> => {
        const s = await open(p, { backend: fx.backend(), clock: clock.now });
        stores.push(s);
        return s;
      };
      const s = await reopen();
      return { fx, p, s, clock, reopen };
    }

    it('starts empty and finds peers by key, username, print name and Bot API id', async () => {
      const { s } = await setup();
      expect(s.size).toBe(0);
      expect(s.get('user', 1)).toBeUndefined();
      s.upsert({ kind: 'user', id: 10, firstName: 'John', lastName: 'Smith', usernames: ['JSmith'], accessHash: '77' }, 'mtproto');
      s.upsert({ kind: 'supergroup', id: 20, title: 'Team', username: 'team_chat' }, 'botapi');
      s.upsert({ kind: 'chat', id: 30, title: 'Small' }, 'botapi');
      for (const st of [s]) {
        expect(st.size).toBe(3);
        expect(st.get('user', 10)?.printName).toBe('John_Smith');
        expect(st.byUsername('@jsmith')?.id).toBe(10);
        expect(st.byUsername('JSMITH')?.id).toBe(10);
        expect(st.byPrintName('John_Smith')?.id).toBe(10);
        expect(st.byPrintName('john_smith')).toBeUndefined();
        expect(st.byBotApiChatId(-100_0000000020)?.id).toBe(20);
        expect(st.byBotApiChatId(-30)?.kind).toBe('chat');
        expect(st.isKnownPeer('Team')).toBe(true);
        expect(st.isKnownPeer('Nobody')).toBe(false);
      }
      await s.flush();
      expect(s.size).toBe(3);
      expect(s.byUsername('team_chat')?.id).toBe(20);
      expect(s.get('channel', 20)?.kind).toBe('supergroup');
    });

    it('resolves every reference form and suggests the right spelling', async () => {
      const { s } = await setup();
      s.upsert({ kind: 'user', id: 10, firstName: 'John', usernames: ['jsmith'] }, 'mtproto');
      await s.flush();
      const ok = (t: string): number | undefined => {
        const r = s.resolveRef(ref(t));
        return 'peer' in r ? r.peer.id : undefined;
      };
      expect(ok('@jsmith')).toBe(10);
      expect(ok('John')).toBe(10);
      expect(ok('user#10')).toBe(10);
      const near = s.resolveRef(ref('john'));
      expect('hint' in near && near.hint).toContain("did you mean 'John'");
      const r = s.resolveRef(ref('@nobody'));
      expect('error' in r && r.error).toContain('unknown peer');
    });

    it('completes print names then usernames, sorted, case-insensitively, bounded', async () => {
      const { s } = await setup();
      for (let i = 0; i < 30; i++) s.upsert({ kind: 'user', id: 100 + i, firstName: `Al${String(i).padStart(2, '0')}`, usernames: [`al_${i}`] }, 'mtproto');
      s.upsert({ kind: 'user', id: 5, firstName: 'Bob', usernames: ['Albert'] }, 'mtproto');
      await s.flush();
      s.upsert({ kind: 'user', id: 6, firstName: 'Ally' }, 'mtproto');
      expect(s.completions('al', 3)).toEqual(['Al00', 'Al01', 'Al02']);
      expect(s.completions('@alb', 5)).toEqual(['@Albert']);
      expect(s.completions('ALL', 5)).toEqual(['Ally']);
      expect(s.completions('al', 40).length).toBe(40);
      expect(s.completions('al', 0)).toEqual([]);
    });

    it('merges facts into one record: given fields replace, null clears, the rest stays', async () => {
      const { s, clock, reopen } = await setup();
      s.upsert({ kind: 'user', id: 5, firstName: 'Ann', phone: '123' }, 'botapi');
      await s.flush();
      clock.advance(HOUR);
      s.upsert({ kind: 'bot', id: 5, lastName: 'Lee', accessHash: '-77' }, 'mtproto');
      s.upsert({ kind: 'bot', id: 5, phone: null }, 'mtproto');
      await s.flush();
      const again = await reopen();
      expect(again.get('user', 5)).toMatchObject({ kind: 'bot', firstName: 'Ann', lastName: 'Lee', accessHash: '-77', sources: ['botapi', 'mtproto'], lastSeen: clock.now() });
      expect(again.get('user', 5)?.phone).toBeUndefined();
      // The print name was given once and is kept.
      expect(again.get('user', 5)?.printName).toBe('Ann');
    });

    it('gives a placeholder name to a nameless peer and replaces it once a name arrives', async () => {
      const { s } = await setup();
      s.upsert({ kind: 'user', id: 42 }, 'updates');
      await s.flush();
      expect(s.get('user', 42)?.printName).toBe('user#42');
      s.upsert({ kind: 'user', id: 42, firstName: 'Zed' }, 'updates');
      await s.flush();
      expect(s.get('user', 42)?.printName).toBe('Zed');
      expect(s.byPrintName('user#42')).toBeUndefined();
    });

    it('keeps print names unique (#1, #2), also across flushes and between two open stores', async () => {
      const { s, reopen } = await setup();
      s.upsert({ kind: 'user', id: 1, firstName: 'Ann' }, 'mtproto');
      s.upsert({ kind: 'user', id: 2, firstName: 'Ann' }, 'mtproto');
      await s.flush();
      s.upsert({ kind: 'user', id: 3, firstName: 'Ann' }, 'mtproto');
      expect([1, 2, 3].map((id) => s.get('user', id)?.printName)).toEqual(['Ann', 'Ann#1', 'Ann#2']);
      const other = await reopen();
      other.upsert({ kind: 'user', id: 4, firstName: 'Ann' }, 'mtproto');
      await s.flush();
      await other.flush();
      const last = await reopen();
      const names = [1, 2, 3, 4].map((id) => last.get('user', id)?.printName);
      expect(new Set(names).size).toBe(4);
      expect(names.slice(0, 3)).toEqual(['Ann', 'Ann#1', 'Ann#2']);
      for (const n of names) expect(last.byPrintName(n!)).toBeDefined();
    });

    it('moves a username to the peer that holds it now', async () => {
      const { s, clock, reopen } = await setup();
      s.upsert({ kind: 'user', id: 1, firstName: 'Old', usernames: ['handle', 'other'] }, 'mtproto');
      await s.flush();
      clock.advance(HOUR);
      s.upsert({ kind: 'user', id: 2, firstName: 'New', usernames: ['Handle'] }, 'mtproto');
      expect(s.byUsername('handle')?.id).toBe(2);
      expect(s.get('user', 1)?.usernames).toEqual(['other']);
      await s.flush();
      const again = await reopen();
      expect(again.byUsername('HANDLE')?.id).toBe(2);
      expect(again.byUsername('other')?.id).toBe(1);
      expect(again.get('user', 1)?.usernames).toEqual(['other']);
      // A username dropped by its peer is no longer found.
      clock.advance(HOUR);
      again.upsert({ kind: 'user', id: 2, usernames: [] }, 'mtproto');
      await again.flush();
      expect(again.byUsername('handle')).toBeUndefined();
      expect((await reopen()).byUsername('handle')).toBeUndefined();
    });

    it('an older report of usernames does not undo a newer one', async () => {
      const { s, clock } = await setup();
      const t = clock.now();
      s.upsert({ kind: 'user', id: 1, usernames: ['fresh'], at: t }, 'mtproto');
      await s.flush();
      s.upsert({ kind: 'user', id: 1, usernames: ['stale'], at: t - HOUR }, 'mtproto');
      await s.flush();
      expect(s.byUsername('fresh')?.id).toBe(1);
      expect(s.byUsername('stale')).toBeUndefined();
    });

    it('keeps consent and membership per bot', async () => {
      const { s, reopen } = await setup();
      s.upsert({ kind: 'user', id: 7, firstName: 'Una' }, 'updates');
      s.upsert({ kind: 'supergroup', id: 8, title: 'G' }, 'updates');
      s.useBot(111);
      s.setConsent({ cls: 'user', id: 7 }, 'started', { payload: 'promo' });
      s.setMembership({ cls: 'channel', id: 8 }, 'administrator');
      s.useBot(222);
      expect(s.consentOf(s.get('user', 7)!)).toBeUndefined();
      s.setConsent({ cls: 'user', id: 7 }, 'blocked');
      await s.flush();
      const again = await reopen();
      again.useBot(111);
      expect(again.consentOf(again.get('user', 7)!)).toMatchObject({ state: 'started', payload: 'promo', bot: 111 });
      expect(again.membershipOf(again.get('channel', 8)!)).toMatchObject({ status: 'administrator', bot: 111 });
      expect(again.scoped(again.get('user', 7)!).otherConsents).toBeUndefined();
      again.useBot(222);
      expect(again.consentOf(again.get('user', 7)!)?.state).toBe('blocked');
      expect(again.membershipOf(again.get('channel', 8)!)).toBeUndefined();
      expect(() => again.setConsent({ cls: 'channel', id: 8 }, 'started')).toThrow(/users and bots/);
      expect(() => again.setConsent({ cls: 'user', id: 999 }, 'started')).toThrow(/unknown peer/);
    });

    it('forgets a peer for good: gone after reopen, its names free, not brought back by another store', async () => {
      const { s, fx, reopen } = await setup();
      s.upsert({ kind: 'user', id: 1, firstName: 'Gone', usernames: ['gone'] }, 'mtproto');
      s.upsert({ kind: 'user', id: 2, firstName: 'Stays' }, 'mtproto');
      await s.flush();
      const other = await reopen();
      expect(other.get('user', 1)).toBeDefined();
      expect(s.forget({ cls: 'user', id: 1 })?.id).toBe(1);
      expect(s.forget({ cls: 'user', id: 1 })).toBeUndefined();
      expect(s.get('user', 1)).toBeUndefined();
      expect(s.byUsername('gone')).toBeUndefined();
      expect(s.byPrintName('Gone')).toBeUndefined();
      await s.flush();
      // The other store goes on writing other peers: the forgotten one stays forgotten.
      other.upsert({ kind: 'user', id: 3, firstName: 'New' }, 'mtproto');
      await other.flush();
      const again = await reopen();
      expect(again.get('user', 1)).toBeUndefined();
      expect(again.byUsername('gone')).toBeUndefined();
      expect(again.size).toBe(2);
      const b = fx.backend();
      const idx = await b.open(() => {});
      expect(idx.size).toBe(2);
      expect([...b.tombstones()].map(([k]) => k)).toContain('user:1');
      await b.close();
      // The freed name goes to the next peer that wants it.
      again.upsert({ kind: 'user', id: 4, firstName: 'Gone' }, 'mtproto');
      expect(again.get('user', 4)?.printName).toBe('Gone');
    });

    it('purges users inactive for N days, never chats nor the logged-in identity', async () => {
      const { s, clock, reopen } = await setup();
      const t0 = clock.now();
      s.upsert({ kind: 'user', id: 1, firstName: 'Idle', at: t0 - 40 * DAY }, 'updates');
      s.upsert({ kind: 'user', id: 2, firstName: 'Busy', at: t0 - 40 * DAY }, 'updates');
      s.touchInteraction({ cls: 'user', id: 2 }, t0 - DAY);
      s.upsert({ kind: 'channel', id: 3, title: 'Old', at: t0 - 400 * DAY }, 'updates');
      await s.flush();
      expect(s.purge({ inactiveDays: 30, dryRun: true }).map((p) => p.id)).toEqual([1]);
      expect(s.size).toBe(3);
      expect(s.purge({ inactiveDays: 30 }).map((p) => p.id)).toEqual([1]);
      await s.flush();
      const again = await reopen();
      expect(again.all().map((p) => p.id).sort()).toEqual([2, 3]);
      expect(() => again.purge({ inactiveDays: 0 })).toThrow(/above 0/);
    });

    it('keeps the update offset per bot', async () => {
      const { s, reopen } = await setup();
      expect(s.getUpdateOffset()).toBeUndefined();
      s.setUpdateOffset(5);
      s.useBot(1);
      s.setUpdateOffset(10);
      s.useBot(2);
      s.setUpdateOffset(20);
      await s.flush();
      const again = await reopen();
      expect(again.getUpdateOffset()).toBe(5);
      again.useBot(1);
      expect(again.getUpdateOffset()).toBe(10);
      again.useBot(2);
      expect(again.updateOffsetEntry()?.value).toBe(20);
      again.setUpdateOffset(21);
      await again.flush();
      const third = await reopen();
      third.useBot(2);
      expect(third.getUpdateOffset()).toBe(21);
      expect(() => third.setUpdateOffset(1.5)).toThrow(RangeError);
    });

    it('exports and imports a round trip into an empty store', async () => {
      const a = await setup();
      a.s.upsert({ kind: 'user', id: 1, firstName: 'Ann', usernames: ['ann'], accessHash: '-5', phone: '1' }, 'mtproto');
      a.s.upsert({ kind: 'user', id: 2, firstName: 'Ann' }, 'mtproto');
      a.s.upsert({ kind: 'channel', id: 3, title: 'News', usernames: ['news'] }, 'botapi');
      a.s.useBot(9);
      a.s.setConsent({ cls: 'user', id: 1 }, 'started');
      await a.s.flush();
      const doc = JSON.parse(JSON.stringify(a.s.exportDocument())) as unknown;
      const b = await setup();
      expect(b.s.importDocument(doc)).toEqual({ added: 3, updated: 0, unchanged: 0 });
      await b.s.flush();
      const again = await b.reopen();
      expect(portable(again)).toEqual(portable(a.s));
      expect(again.get('user', 1)?.sources).toContain('import');
      expect(again.importDocument(doc)).toEqual({ added: 0, updated: 0, unchanged: 3 });
      expect(() => again.importDocument({ format: 'other' })).toThrow(/not a tgsh export/);
    });

    it('lets exactly one backend poll a bot at a time', async () => {
      const { fx } = await setup();
      const a = fx.backend();
      const b = fx.backend();
      await a.open(() => {});
      await b.open(() => {});
      expect(await a.tryAcquirePoller(77)).toBe(true);
      expect(await a.tryAcquirePoller(77)).toBe(true);
      expect(await b.tryAcquirePoller(77)).toBe(false);
      expect(await b.tryAcquirePoller(78)).toBe(true);
      await a.releasePoller(77);
      expect(await b.tryAcquirePoller(77)).toBe(true);
      await b.close();
      expect(await a.tryAcquirePoller(78)).toBe(true);
      await a.close();
    });

    it("tells another backend who holds a bot's poller lock (pid, host, mode, since), and nobody once released", async () => {
      const { fx } = await setup();
      const a = fx.backend();
      const b = fx.backend();
      await a.open(() => {});
      await b.open(() => {});
      expect(await b.pollerHolder(79)).toBeUndefined();
      const t = Date.now();
      expect(await a.tryAcquirePoller(79, { mode: 'daemon' })).toBe(true);
      const h = await b.pollerHolder(79);
      expect(h).toMatchObject({ pid: process.pid, host: hostname(), mode: 'daemon' });
      expect(h?.since).toBeGreaterThanOrEqual(t - 1000);
      expect(await b.pollerHolder(80)).toBeUndefined();
      await a.releasePoller(79);
      expect(await b.pollerHolder(79)).toBeUndefined();
      await a.close();
      await b.close();
    });

    it('reads a state entry as stored now, when another backend wrote it after this one opened', async () => {
      const { fx } = await setup();
      const a = fx.backend();
      const b = fx.backend();
      const ia = await a.open(() => {});
      await b.open(() => {});
      expect(await b.readState('update_offset:5')).toBeUndefined();
      ia.setState('update_offset:5', { value: 42, updatedAt: 1000 });
      await a.apply(ia.takeChanges(), Date.now());
      expect(await b.readState('update_offset:5')).toEqual({ value: 42, updatedAt: 1000 });
      ia.setState('update_offset:5', { value: 43, updatedAt: 1001 });
      await a.apply(ia.takeChanges(), Date.now());
      expect(await b.readState('update_offset:5')).toEqual({ value: 43, updatedAt: 1001 });
      // What is stored, never a change not applied yet (an offset whose batch is not saved).
      ia.setState('update_offset:5', { value: 44, updatedAt: 1002 });
      expect(await a.readState('update_offset:5')).toEqual({ value: 43, updatedAt: 1001 });
      await a.close();
      await b.close();
    });

    it('persists across reopen, and two stores writing at once lose nothing', async () => {
      const { s, reopen } = await setup();
      const other = await reopen();
      for (let i = 1; i <= 50; i++) s.upsert({ kind: 'user', id: i, firstName: `A${i}` }, 'mtproto');
      for (let i = 51; i <= 100; i++) other.upsert({ kind: 'user', id: i, firstName: `B${i}` }, 'mtproto');
      await Promise.all([s.flush(), other.flush()]);
      s.upsert({ kind: 'user', id: 1, lastName: 'Changed' }, 'mtproto');
      await s.flush();
      const again = await reopen();
      expect(again.size).toBe(100);
      expect(again.get('user', 1)?.lastName).toBe('Changed');
      expect(again.get('user', 77)?.printName).toBe('B77');
      expect(again.contacts().length).toBe(100);
    });
  });
}
