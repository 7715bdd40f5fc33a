// One poller per bot across processes (issue 14), through the built binary against the sandbox's
// Bot API (behind a recording proxy, botapi-proxy.ts) and a real store: the default conf file of
// one profile, and a private PostgreSQL cluster. Two syncs at once: one polls, the other's one
// FAIL names it; a live poller (listen) holds the lock until it exits; a live poll of this
// process says who polls and takes over when the holder exits; a poller killed with SIGKILL
// between or in the middle of batches: the next one starts at the offset the database holds
// (no update repeated) and every user of every update ends in the store (none missed).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { SANDBOX_BOT_ID } from '../../src/sandbox/world/default-world.js';
import { ConfBackend } from '../../src/store/conf-backend.js';
import { PgBackend } from '../../src/store/pg-backend.js';
import { SqliteBackend } from '../../src/store/sqlite-backend.js';
import type { PeerBackend } from '../../src/store/backend.js';
import { openPeerStore } from '../../src/store/index.js';
import { profilePaths } from '../../src/core/paths.js';
import { Secret } from '../../src/core/secret.js';
import { createSender } from '../../src/telegram/botapi/sender.js';
import { createPoller, type UpdatePoller } from '../../src/telegram/updates/index.js';
import type { PeerStore } from '../../src/store/peer-store.js';
import type { TelegramSettings } from '../../src/telegram/settings.js';
import { BIN, cleanEnv, ROOT, runTgsh } from '../helpers/cli.js';
import { POSTGRES_BIN, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { startBotApiProxy, type BotApiProxy } from './botapi-proxy.js';

const OFFSET_KEY = `update_offset:${SANDBOX_BOT_ID}`;
const N = 2500;
let idBase = 910_000_000;

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function tgsh(home: string, args: string[], input?: string): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdin!.on('error', () => {});
  if (input === undefined) proc.stdin!.end();
  else proc.stdin!.write(input);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('close', (code, signal) => r({ code, signal })));
  return { proc, stdout: () => out, stderr: () => err, exited };
}

interface World {
  sandbox: Sandbox;
  proxy: BotApiProxy;
  home: string;
  /** The users who wrote, one update each. */
  users: number[];
  /** The last update id pending. */
  lastId: number;
  flags: string[];
  close(): Promise<void>;
}

/** A sandbox with `n` pending messages from `n` distinct new users (the seeded updates confirmed). */
async function world(storeFlags: string[], n = N): Promise<World> {
  const sandbox = await startSandbox();
  const q = sandbox.world.updates(SANDBOX_BOT_ID);
  q.confirm(q.nextUpdateId);
  const users = sandbox.world.driver.addUsers(n, { startBot: SANDBOX_BOT_ID, idBase }).map((u) => u.id);
  idBase += n;
  sandbox.world.driver.enqueueMessages(n, { from: users });
  const lastId = q.nextUpdateId - 1;
  const proxy = await startBotApiProxy(sandbox.connection.bot_api_root);
  const home = mkdtempSync(join(tmpdir(), 'tgsh-poller-'));
  return {
    sandbox,
    proxy,
    home,
    users,
    lastId,
    flags: ['--bot-api-root', proxy.apiRoot, '--bot-token', sandbox.connection.bot_token, ...storeFlags],
    async close() {
      await proxy.close();
      await sandbox.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The one FAIL line of a refused sync. */
function failLines(c: Child): string[] {
  return (c.stdout() + c.stderr()).split('\n').filter((l) => l.includes('FAIL'));
}

async function expectAllKept(b: PeerBackend, w: World): Promise<void> {
  const index = await b.open(() => {});
  const missing = w.users.filter((id) => index.get(`user:${id}`) === undefined);
  expect(missing).toEqual([]);
  expect((await b.readState(OFFSET_KEY))?.value).toBe(w.lastId + 1);
  await b.close();
}

/** Every update id served, in order of serving, and each once. */
function served(w: World): number[] {
  return w.proxy.calls.flatMap((c) => (c.answered ? c.ids : []));
}

interface Kind {
  name: string;
  skip: boolean;
  storeFlags(): string[];
  backend(w: World): PeerBackend;
  storedOffset(w: World): Promise<number | undefined>;
}

let pg: PgCluster | undefined;

const KINDS: Kind[] = [
  {
    name: 'conf (one profile)',
    skip: false,
    storeFlags: () => [],
    backend: (w) => new ConfBackend({ file: join(w.home, 'profiles', 'default', 'peers.json') }),
    storedOffset: async (w) => (await new ConfBackend({ file: join(w.home, 'profiles', 'default', 'peers.json') }).readState(OFFSET_KEY))?.value as number | undefined,
  },
  {
    name: 'postgres',
    skip: !POSTGRES_BIN,
    storeFlags: () => ['--store', pg!.url(pg!.createDatabase())],
    backend: (w) => new PgBackend(w.flags[w.flags.indexOf('--store') + 1]!),
    storedOffset: async (w) => {
      const b = new PgBackend(w.flags[w.flags.indexOf('--store') + 1]!);
      try {
        return (await b.readState(OFFSET_KEY))?.value as number | undefined;
      } finally {
        await b.close();
      }
    },
  },
];

beforeAll(async () => {
  if (POSTGRES_BIN) pg = await startPostgres();
}, 180_000);
afterAll(() => pg?.stop());

for (const kind of KINDS) {
  describe.skipIf(kind.skip)(`one poller per bot: ${kind.name}`, () => {
    it('two syncs of one bot at once: exactly one polls, the other is one FAIL naming its pid; every peer is kept', async () => {
      const w = await world(kind.storeFlags());
      try {
        // The first sync's second getUpdates waits at the proxy: it holds the lock meanwhile.
        const gate = w.proxy.hold(2);
        const a = tgsh(w.home, [...w.flags, '-e', 'sync']);
        await gate.held;
        const b = tgsh(w.home, [...w.flags, '-e', 'sync']);
        const bEnd = await b.exited;
        expect(bEnd.code, b.stdout() + b.stderr()).toBe(1);
        const fails = failLines(b);
        expect(fails, b.stdout() + b.stderr()).toHaveLength(1);
        expect(fails[0]).toMatch(new RegExp(`updates are read by tgsh pid ${a.proc.pid} on \\S+ \\(sync, since \\d\\d:\\d\\d UTC\\)`));
        expect(fails[0]).toContain('bot @');
        gate.release();
        const aEnd = await a.exited;
        expect(aEnd.code, a.stdout() + a.stderr()).toBe(0);
        expect(a.stdout()).toMatch(new RegExp(`^sync: ${N} updates, ${N} new peers`));
        // Only the first one asked for updates, and every update was served once.
        const ids = served(w);
        expect(ids).toHaveLength(N);
        expect(new Set(ids).size).toBe(N);
        await expectAllKept(kind.backend(w), w);
      } finally {
        await w.close();
      }
    }, 120_000);

    it('a live poller (listen) holds the lock while it runs: a sync is refused naming it, and succeeds once it exits', async () => {
      const w = await world(kind.storeFlags(), 300);
      try {
        const l = tgsh(w.home, [...w.flags], 'listen\n');
        // Its long poll waits at the server once it has read what was pending.
        for (let i = 0; i < 600 && w.sandbox.botapi.activePolls() === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(w.sandbox.botapi.activePolls(), l.stderr()).toBe(1);
        const b = tgsh(w.home, [...w.flags, '-e', 'sync']);
        expect((await b.exited).code).toBe(1);
        const fails = failLines(b);
        expect(fails, b.stdout() + b.stderr()).toHaveLength(1);
        expect(fails[0]).toMatch(new RegExp(`read by tgsh pid ${l.proc.pid} on \\S+ \\(listen, since`));
        expect(w.sandbox.botapi.activePolls()).toBe(1); // the live poll was not disturbed (no 409)
        l.proc.stdin!.end();
        expect((await l.exited).code, l.stdout() + l.stderr()).toBe(0);
        w.sandbox.world.driver.sendPrivate(w.users[0]!, 'after the listener');
        const c = tgsh(w.home, [...w.flags, '-e', 'sync']);
        expect((await c.exited).code, c.stdout() + c.stderr()).toBe(0);
        expect(c.stdout()).toMatch(/^sync: 1 update,/);
        w.lastId++;
        await expectAllKept(kind.backend(w), w);
      } finally {
        await w.close();
      }
    }, 120_000);

    it("this process's live poll says once who polls, retries, and takes over when that sync exits", async () => {
      const w = await world(kind.storeFlags(), 300);
      const gate = w.proxy.hold(2);
      const a = tgsh(w.home, [...w.flags, '-e', 'sync']);
      await gate.held;
      // A live poll in the test process on the same store (as a shell would run it).
      const me = await inProcessPoller(w, w.flags.includes('--store') ? w.flags[w.flags.indexOf('--store') + 1] : undefined, 100);
      const poller = me.poller;
      const notices: string[] = [];
      let got = 0;
      try {
        poller.startLive({ mode: 'shell', notice: (t) => notices.push(t), onBatch: (r) => (got += r.messages.length) });
        // Several retries while the sync holds the lock; one notice naming it.
        for (let i = 0; i < 400 && notices.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
        await new Promise((r) => setTimeout(r, 500));
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatch(new RegExp(`read by tgsh pid ${a.proc.pid} on \\S+ \\(sync, since .*takes over when it stops`));
        gate.release();
        expect((await a.exited).code, a.stdout() + a.stderr()).toBe(0);
        w.sandbox.world.driver.sendPrivate(w.users[1]!, 'to the live poll');
        for (let i = 0; i < 400 && got === 0; i++) await new Promise((r) => setTimeout(r, 25));
        expect(got).toBe(1);
        expect(notices.some((t) => t.includes('this process reads the bot'))).toBe(true);
        // It holds the lock now: a sync of another process is refused naming this one.
        const b = tgsh(w.home, [...w.flags, '-e', 'sync']);
        expect((await b.exited).code).toBe(1);
        expect(failLines(b)[0]).toMatch(new RegExp(`read by tgsh pid ${process.pid} on \\S+ \\(shell, since`));
      } finally {
        await me.close();
        await w.close();
      }
    }, 120_000);
  });
}

describe.skipIf(!POSTGRES_BIN)('a poller killed with SIGKILL, on postgres', () => {
  // Between batches the next poller is one of this process whose store was opened before the
  // killed one polled (its cached offset is stale: it must read the database's); in the middle of
  // a batch it is a new `sync` process.
  for (const when of ['between two batches', 'in the middle of a batch'] as const) {
    it(`${when}: the next poller repeats no update that was applied and misses none`, async () => {
      const w = await world(['--store', pg!.url(pg!.createDatabase())], 3000);
      const url = w.flags[w.flags.indexOf('--store') + 1]!;
      const early = when === 'between two batches' ? await inProcessPoller(w, url) : undefined;
      try {
        const gate = when === 'between two batches' ? w.proxy.hold(8) : undefined;
        const a = tgsh(w.home, [...w.flags, '-e', 'sync']);
        if (gate) await gate.held;
        else await w.proxy.answered(8);
        a.proc.kill('SIGKILL');
        expect((await a.exited).signal).toBe('SIGKILL');
        // No journal on a store shared across machines: the database alone has the batches.
        expect(readdirSync(join(w.home, 'profiles', 'default')).filter((f) => f.includes('journal'))).toEqual([]);
        const b0 = new PgBackend(url);
        const atKill = (await b0.readState(OFFSET_KEY))?.value as number;
        await b0.close();
        expect(atKill).toBeGreaterThan(w.lastId - 3000 + 1); // some batches were committed
        const before = w.proxy.calls.length;
        if (early) {
          const r = await early.poller.drain();
          expect(r.updates).toBe(w.lastId + 1 - atKill);
          await early.close();
        } else {
          const b = tgsh(w.home, [...w.flags, '-e', 'sync']);
          expect((await b.exited).code, b.stdout() + b.stderr()).toBe(0);
        }
        const second = w.proxy.calls.slice(before);
        // Its first getUpdates carried exactly the offset the database held.
        expect(second[0]?.offset).toBe(atKill);
        const again = second.flatMap((c) => c.ids);
        expect(Math.min(...again)).toBe(atKill);
        // What the first applied (below the stored offset) never came again; nothing is missing.
        const first = w.proxy.calls.slice(0, before).flatMap((c) => (c.answered ? c.ids : []));
        const applied = first.filter((id) => id < atKill);
        expect(again.filter((id) => applied.includes(id))).toEqual([]);
        expect(new Set([...applied, ...again]).size).toBe(3000);
        await expectAllKept(new PgBackend(url), w);
      } finally {
        await early?.close();
        await w.close();
      }
    }, 120_000);
  }
});

/** A poller of this process on the profile's store (opened now), as a shell's or a sync's. */
async function inProcessPoller(w: World, storeUrl: string | undefined, lockRetryMs?: number): Promise<{ poller: UpdatePoller; store: PeerStore; close(): Promise<void> }> {
  const paths = profilePaths(join(w.home, 'profiles', 'default'));
  const store = await openPeerStore({ paths, notice: () => {}, store: storeUrl });
  store.useBot(SANDBOX_BOT_ID);
  const settings: TelegramSettings = { botToken: new Secret(w.sandbox.connection.bot_token), botApiRoot: w.proxy.apiRoot };
  const sender = await createSender(settings, {});
  const poller = await createPoller({ sender, store, settings, profileDir: paths.dir, lockRetryMs });
  let closed = false;
  return {
    poller,
    store,
    async close() {
      if (closed) return;
      closed = true;
      await poller.stopLive();
      await store.close();
    },
  };
}

describe('a poller lock holder killed with SIGKILL is not reported as polling', () => {
  const cases: Array<{ kind: 'conf' | 'sqlite' | 'postgres'; skip: boolean }> = [
    { kind: 'conf', skip: false },
    { kind: 'sqlite', skip: false },
    { kind: 'postgres', skip: !POSTGRES_BIN },
  ];
  for (const c of cases) {
    it.skipIf(c.skip)(c.kind, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tgsh-holder-'));
      const where = c.kind === 'postgres' ? pg!.url(pg!.createDatabase()) : join(dir, c.kind === 'conf' ? 'peers.json' : 'peers.sqlite');
      const backend = (): PeerBackend =>
        c.kind === 'postgres' ? new PgBackend(where) : c.kind === 'sqlite' ? new SqliteBackend(where) : new ConfBackend({ file: where });
      const me = backend();
      await me.open(() => {});
      try {
        const holder = spawn(process.execPath, [join(ROOT, 'test', 'store', 'fixtures', 'poller-holder.mjs'), join(ROOT, 'dist'), c.kind, where, '4242', 'daemon'], { stdio: ['pipe', 'pipe', 'pipe'] });
        let err = '';
        holder.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const first = await new Promise<string>((resolve, reject) => {
          holder.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
          holder.on('exit', () => reject(new Error(`holder exited: ${err}`)));
        });
        expect(first).toBe('got');
        expect(await me.tryAcquirePoller(4242, { mode: 'sync' })).toBe(false);
        expect(await me.pollerHolder(4242)).toMatchObject({ pid: holder.pid, mode: 'daemon' });
        const gone = new Promise((r) => holder.on('exit', r));
        holder.kill('SIGKILL');
        await gone;
        // Its note (a file, a row) is still there, but no live process holds the lock.
        if (c.kind === 'postgres') expect(pg!.sql('SELECT count(*) FROM tgsh_pollers', where.split('/').pop()).trim()).toBe('1');
        else expect(existsSync(`${where}.poller-4242.holder.json`)).toBe(true);
        let h = await me.pollerHolder(4242);
        // PostgreSQL frees the lock when it notices the closed connection (at once on loopback).
        for (let i = 0; i < 100 && h !== undefined; i++) {
          await new Promise((r) => setTimeout(r, 50));
          h = await me.pollerHolder(4242);
        }
        expect(h).toBeUndefined();
        expect(await me.tryAcquirePoller(4242, { mode: 'sync' })).toBe(true);
        expect(await me.pollerHolder(4242)).toMatchObject({ pid: process.pid, mode: 'sync' });
      } finally {
        await me.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});

describe('a sandbox inside tgsh', () => {
  it("polls its own world's updates whoever holds the profile's poller lock (each --sandbox process has its own world)", async () => {
    const home = mkdtempSync(join(tmpdir(), 'tgsh-sbx-lock-'));
    const file = join(home, 'profiles', 'sandbox', 'peers.json');
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const holder = spawn(process.execPath, [join(ROOT, 'test', 'store', 'fixtures', 'poller-holder.mjs'), join(ROOT, 'dist'), 'conf', file, String(SANDBOX_BOT_ID), 'shell'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
        holder.on('exit', () => reject(new Error('holder exited')));
      });
      expect(first).toBe('got');
      const r = await runTgsh(['--sandbox', '-e', 'sync'], { home });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^sync: 4 updates/m);
    } finally {
      holder.stdin.end();
      await new Promise((r) => holder.on('exit', r));
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!POSTGRES_BIN)('postgres: a poller lock lost with its connection', () => {
  it('is known lost (the server freed it), so the poll gives way to the new holder', async () => {
    const db = pg!.createDatabase();
    const a = new PgBackend(pg!.url(db));
    const b = new PgBackend(pg!.url(db));
    await a.open(() => {});
    await b.open(() => {});
    try {
      expect(await a.tryAcquirePoller(4343, { mode: 'shell' })).toBe(true);
      expect(a.holdsPoller(4343)).toBe(true);
      // The server ends that session (a restart, a network cut, an administrator).
      pg!.sql('SELECT pg_terminate_backend(backend_pid) FROM tgsh_pollers WHERE bot_id = 4343', db);
      for (let i = 0; i < 200 && a.holdsPoller(4343); i++) await new Promise((r) => setTimeout(r, 25));
      expect(a.holdsPoller(4343)).toBe(false);
      expect(await b.tryAcquirePoller(4343, { mode: 'sync' })).toBe(true);
      expect(await a.tryAcquirePoller(4343, { mode: 'shell' })).toBe(false);
      expect(await a.pollerHolder(4343)).toMatchObject({ mode: 'sync' });
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
