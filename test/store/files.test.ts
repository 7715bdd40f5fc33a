// The files of a profile: modes, corrupt files, schema versions and migrations, settings and
// credentials.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PeerStore } from '../../src/store/peer-store.js';
import { Secret } from '../../src/core/secret.js';
import { open, readStoreFile, tempProfile, type TempProfile } from './helpers.js';

const profiles: TempProfile[] = [];
const stores: PeerStore[] = [];
function profile(): TempProfile {
  const p = tempProfile();
  profiles.push(p);
  return p;
}
async function openOn(p: TempProfile): Promise<PeerStore> {
  const s = await open(p);
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const p of profiles.splice(0)) p.cleanup();
});

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('permissions', () => {
  it('files are 0600 and folders 0700, whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      const p = profile();
      const s = await openOn(p);
      s.upsert({ kind: 'user', id: 1, firstName: 'A' }, 'mtproto');
      await s.settings.set('username_ttl_hours', 12);
      await s.credentials.setBotToken('123456:SECRET');
      await s.close();
      expect(mode(p.dir)).toBe(0o700);
      expect(mode(dirname(p.dir))).toBe(0o700); // profiles/
      expect(mode(p.paths.peers)).toBe(0o600);
      expect(mode(p.paths.settings)).toBe(0o600);
      expect(mode(p.paths.credentials)).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it('an existing profile folder that is too open is tightened', async () => {
    const p = profile();
    mkdirSync(p.dir, { recursive: true, mode: 0o755 });
    chmodSync(p.dir, 0o755);
    await openOn(p);
    expect(mode(p.dir)).toBe(0o700);
  });

  it('a file rewritten by a flush stays 0600 even when it was made wider', async () => {
    const p = profile();
    const s = await openOn(p);
    s.upsert({ kind: 'user', id: 1, firstName: 'A' }, 'mtproto');
    await s.flush();
    chmodSync(p.paths.peers, 0o644);
    s.upsert({ kind: 'user', id: 2, firstName: 'B' }, 'mtproto');
    await s.flush();
    expect(mode(p.paths.peers)).toBe(0o600);
  });
});

describe('a corrupt peer store', () => {
  for (const [what, content] of [
    ['half-written JSON', '{"format":"tgsh-peers","schema":2,"peers":{"user:1":{"kind":"us'],
    ['not JSON at all', '\u0000\u0001garbage'],
    ['JSON that is not a store', '[1, 2, 3]'],
    ['another program\'s JSON', '{"format":"something-else","peers":{}}'],
  ] as const) {
    it(`(${what}) is moved aside, reported with its path, and the store starts empty and works`, async () => {
      const p = profile();
      mkdirSync(p.dir, { recursive: true });
      writeFileSync(p.paths.peers, content);
      const s = await openOn(p);
      expect(s.size).toBe(0);
      const aside = readdirSync(p.dir).filter((n) => n.startsWith('peers.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(aside[0]).toMatch(/^peers\.json\.corrupt-\d{8}T\d{9}Z$/);
      expect(readFileSync(join(p.dir, aside[0]!), 'utf8')).toBe(content); // never emptied
      expect(p.notices).toHaveLength(1);
      expect(p.notices[0]).toContain(p.paths.peers);
      expect(p.notices[0]).toContain(join(p.dir, aside[0]!));
      // A working empty store.
      s.upsert({ kind: 'user', id: 1, firstName: 'New' }, 'mtproto');
      await s.flush();
      expect(readStoreFile(p.paths.peers).peers['user:1']!.firstName).toBe('New');
    });
  }

  it('found corrupt at a flush: moved aside, and what this process knew is written (not an empty store)', async () => {
    const p = profile();
    const s = await openOn(p);
    s.upsert({ kind: 'user', id: 1, firstName: 'Known' }, 'mtproto');
    await s.flush();
    writeFileSync(p.paths.peers, '{broken');
    s.upsert({ kind: 'user', id: 2, firstName: 'Later' }, 'mtproto');
    await s.flush();
    const doc = readStoreFile(p.paths.peers);
    expect(Object.keys(doc.peers).sort()).toEqual(['user:1', 'user:2']);
    expect(readdirSync(p.dir).filter((n) => n.includes('.corrupt-'))).toHaveLength(1);
    expect(p.notices[0]).toMatch(/could not be read.*moved to/);
  });

  it('an unreadable record is kept in the file as it is, and reported', async () => {
    const p = profile();
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(
      p.paths.peers,
      JSON.stringify({
        format: 'tgsh-peers',
        schema: 2,
        peers: [
          { kind: 'user', id: 1, printName: 'Fine', usernames: [], sources: [], firstSeen: 1, lastSeen: 1 },
          { kind: 'martian', id: 2 },
        ],
        tombstones: {},
        state: {},
      }),
    );
    const s = await openOn(p);
    expect(s.size).toBe(1);
    expect(p.notices[0]).toContain('1 peer record(s)');
    s.upsert({ kind: 'user', id: 3, firstName: 'New' }, 'mtproto');
    await s.flush();
    expect(readStoreFile(p.paths.peers).list).toContainEqual({ kind: 'martian', id: 2 });
  });

  it('clashes of a hand-edited file are repaired at load: a peer twice, a print name twice, a username twice', async () => {
    const p = profile();
    mkdirSync(p.dir, { recursive: true });
    const rec = (id: number, printName: string, extra: Record<string, unknown> = {}) => ({ kind: 'user', id, printName, usernames: [], sources: [], firstSeen: 1, lastSeen: 1, updatedAt: 1, ...extra });
    writeFileSync(
      p.paths.peers,
      JSON.stringify({
        format: 'tgsh-peers',
        schema: 2,
        peers: [
          rec(1, 'Ann', { firstName: 'Ann', updatedAt: 5 }),
          rec(1, 'Ann', { firstName: 'Ann (older)', updatedAt: 2 }),
          rec(2, 'Bob', { firstName: 'Bob' }),
          rec(3, 'Bob', { firstName: 'Bob' }),
          rec(4, 'Old', { usernames: ['shared'], usernamesCheckedAt: 10 }),
          rec(5, 'New', { usernames: ['Shared'], usernamesCheckedAt: 20 }),
          rec(6, 'Older', { usernames: ['SHARED'], usernamesCheckedAt: 5 }),
        ],
        tombstones: {},
        state: {},
      }),
    );
    const s = await openOn(p);
    expect(s.size).toBe(6);
    expect(s.get('user', 1)?.firstName).toBe('Ann');
    expect([s.get('user', 2)?.printName, s.get('user', 3)?.printName].sort()).toEqual(['Bob', 'Bob#1']);
    expect(s.byPrintName('Bob#1')).toBeDefined();
    expect(s.byUsername('shared')?.id).toBe(5);
    expect(s.hasChanges()).toBe(true); // the repairs are written by the next flush
    await s.flush();
    const names = readStoreFile(p.paths.peers).list.map((r) => (r as { printName: string }).printName);
    expect(new Set(names).size).toBe(names.length);
    expect(p.notices).toEqual([]);
  });

  it('a corrupt settings file is moved aside too, and the defaults used', async () => {
    const p = profile();
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(p.paths.settings, '{"username_ttl_hours": ');
    const s = await openOn(p);
    expect(s.settings.get('username_ttl_hours')).toBe(24);
    expect(readdirSync(p.dir).some((n) => n.startsWith('settings.json.corrupt-'))).toBe(true);
    expect(p.notices.join('\n')).toContain(p.paths.settings);
  });
});

describe('schema versions', () => {
  it('migrates a schema-1 file (an array of snake_case records) into the current shape', async () => {
    const p = profile();
    mkdirSync(p.dir, { recursive: true });
    const v1 = {
      version: 1,
      peers: [
        { type: 'user', id: 191322468, access_hash: '596679014459359234', first_name: 'Example', last_name: 'User', username: 'example_user', phone: '15551234', print_name: 'Example_User', seen: 1700000000 },
        { type: 'user', id: 2, access_hash: '18446744073709551615', first_name: 'Helper', username: 'helper_bot', bot: true, print_name: 'Helper', seen: 1700000100 },
        { type: 'channel', id: 1234, access_hash: '-42', title: 'Big group', megagroup: true, seen: 1700000200 },
        { type: 'chat', id: 55, title: 'Old chat' },
        { type: 'user', id: 3, first_name: 'Example', last_name: 'User' }, // no print name: gets a free one
        { type: 'nonsense', id: 4 },
      ],
    };
    writeFileSync(p.paths.peers, JSON.stringify(v1));
    const s = await openOn(p);
    expect(s.size).toBe(5);
    expect(s.get('user', 191322468)).toMatchObject({
      kind: 'user',
      accessHash: '596679014459359234',
      firstName: 'Example',
      lastName: 'User',
      usernames: ['example_user'],
      phone: '15551234',
      printName: 'Example_User',
      botApiChatId: 191322468,
      firstSeen: 1700000000000,
      lastSeen: 1700000000000,
    });
    expect(s.get('user', 2)).toMatchObject({ kind: 'bot', accessHash: '-1', printName: 'Helper' });
    expect(s.get('channel', 1234)).toMatchObject({ kind: 'supergroup', title: 'Big group', botApiChatId: -1000000001234, printName: 'Big_group' });
    expect(s.get('chat', 55)).toMatchObject({ kind: 'chat', printName: 'Old_chat', botApiChatId: -55 });
    expect(s.get('user', 3)?.printName).toBe('Example_User#1');
    expect(s.byUsername('helper_bot')?.id).toBe(2);
    // The migrated shape is written by the next flush, even without other changes.
    expect(s.hasChanges()).toBe(true);
    await s.flush();
    const doc = readStoreFile(p.paths.peers);
    expect(doc.format).toBe('tgsh-peers');
    expect(doc.schema).toBe(2);
    expect(doc.peers['user:2']!.kind).toBe('bot');
    expect(p.notices).toEqual([]);
  });

  it('a file of a newer schema is read, but never overwritten', async () => {
    const p = profile();
    mkdirSync(p.dir, { recursive: true });
    const text = JSON.stringify({
      format: 'tgsh-peers',
      schema: 99,
      peers: [{ kind: 'user', id: 1, printName: 'Future', usernames: [], sources: [], firstSeen: 1, lastSeen: 1, shinyNewField: true }],
      tombstones: {},
      state: {},
    });
    writeFileSync(p.paths.peers, text);
    const s = await openOn(p);
    expect(s.get('user', 1)?.printName).toBe('Future');
    expect(p.notices[0]).toMatch(/newer tgsh \(schema 99/);
    s.upsert({ kind: 'user', id: 2, firstName: 'X' }, 'mtproto');
    await expect(s.flush()).rejects.toThrow(/newer tgsh/);
    expect(readFileSync(p.paths.peers, 'utf8')).toBe(text);
  });
});

describe('settings', () => {
  it('has defaults, keeps what is set, and reports a bad value (using the default)', async () => {
    const p = profile();
    const s = await openOn(p);
    expect(s.settings.all()).toEqual({
      username_ttl_hours: 24,
      purge_inactive_days: 180,
      purge_on_start: false,
      consent_policy: 'open',
      resolve_per_second: 1,
      resolve_burst: 5,
    });
    expect(existsSync(p.paths.settings)).toBe(false); // nothing written until something is set
    await s.settings.set('consent_policy', 'strict');
    await expect(s.settings.set('resolve_burst', 1.5)).rejects.toThrow(/whole number/);
    await s.close();
    const doc = JSON.parse(readFileSync(p.paths.settings, 'utf8'));
    expect(doc.consent_policy).toBe('strict');
    writeFileSync(p.paths.settings, JSON.stringify({ ...doc, username_ttl_hours: 'soon', future_setting: 1 }));
    const again = await openOn(p);
    expect(again.settings.get('consent_policy')).toBe('strict');
    expect(again.settings.get('username_ttl_hours')).toBe(24);
    expect(p.notices.join('\n')).toContain('username_ttl_hours');
    await again.settings.reset('consent_policy');
    expect(again.settings.get('consent_policy')).toBe('open');
    expect(JSON.parse(readFileSync(p.paths.settings, 'utf8')).future_setting).toBe(1); // kept
  });
});

describe('credentials', () => {
  it('are kept in their own 0600 file and handed out as Secret', async () => {
    const p = profile();
    const s = await openOn(p);
    s.upsert({ kind: 'user', id: 1, firstName: 'Someone' }, 'mtproto');
    expect(s.credentials.botToken()).toBeUndefined();
    await s.credentials.setBotToken(new Secret('123456:AAHsecretTOKEN'));
    await s.credentials.setSession('telegram', 'SESSION-STRING-1');
    await s.credentials.setSession('127.0.0.1:2443', 'SESSION-STRING-2');
    await s.credentials.setIdentity({ kind: 'bot', id: 123456, username: 'my_bot', first_name: 'My bot', at: 1 });
    await s.close();
    const again = await openOn(p);
    const token = again.credentials.botToken()!;
    expect(token).toBeInstanceOf(Secret);
    expect(token.reveal()).toBe('123456:AAHsecretTOKEN');
    expect(String(token)).toBe('123456:***');
    expect(again.credentials.session('telegram')?.reveal()).toBe('SESSION-STRING-1');
    expect(again.credentials.session('127.0.0.1:2443')?.reveal()).toBe('SESSION-STRING-2');
    expect(again.credentials.session('nowhere:1')).toBeUndefined();
    expect(again.credentials.sessionEndpoints().sort()).toEqual(['127.0.0.1:2443', 'telegram']);
    expect(again.credentials.identity()).toMatchObject({ kind: 'bot', id: 123456, username: 'my_bot' });
    // Never in the peer store, never in an export.
    expect(readFileSync(p.paths.peers, 'utf8')).not.toContain('SECRET');
    const exported = JSON.stringify(again.exportDocument());
    for (const secret of ['AAHsecretTOKEN', 'SESSION-STRING', 'my_bot']) expect(exported).not.toContain(secret);
    await again.credentials.setSession('telegram', undefined);
    expect(again.credentials.session('telegram')).toBeUndefined();
    await again.credentials.clear();
    expect(again.credentials.botToken()).toBeUndefined();
    expect(again.credentials.identity()).toBeUndefined();
  });
});
