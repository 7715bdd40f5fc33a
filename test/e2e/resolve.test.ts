// resolve_username through the built binary (bin/tgsh.js -> dist/), as scripts run it, against
// the sandbox data centre over TCP.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runTgsh } from '../helpers/cli.js';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';

const SEED = '{"user": {"id": "$010000006459670b02c0c7fd66d44708", "peer_type": "user", "peer_id": 191322468, "print_name": "Example", "flags": 1, "first_name": "Example", "username": "example_user"}}\n';
const built = existsSync(join(ROOT, 'dist', 'commands', 'resolve-username.js'));

let session: SandboxSession;
const homes: string[] = [];

beforeAll(async () => {
  session = await sandboxSession();
});
afterAll(async () => {
  await session.close();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'tgsh-e2e-res-'));
  homes.push(h);
  return h;
}

function secretsIn(text: string): string[] {
  const c = session.sandbox.connection;
  return [c.bot_token, 'sandbox-offline-token', c.api_hash].filter((s) => text.includes(s));
}

const stats = () => session.sandbox.mtproto.stats;

describe.runIf(built)('resolve_username from the built binary', () => {
  it("answers the seed's example byte for byte, then answers it again from the store without any network call and without loading GramJS", async () => {
    const h = home();
    const first = await runTgsh([...session.flags, '--json', '-e', 'resolve_username example_user'], { home: h });
    expect(first.stdout).toBe(SEED);
    expect(first.code).toBe(0);
    expect(secretsIn(first.stdout + first.stderr)).toEqual([]);
    const credentials = readFileSync(join(h, 'profiles', 'default', 'credentials.json'), 'utf8');
    const saved = /"session": ?"([^"]+)"/.exec(credentials)![1]!;
    expect(first.stdout + first.stderr).not.toContain(saved);

    const before = { resolves: stats().requestsFor('contacts.resolveUsername'), conns: stats().connectionsAccepted };
    const trace = join(h, 'imports.txt');
    const hook = join(ROOT, 'test', 'store', 'fixtures', 'trace-imports.mjs');
    const second = await runTgsh([...session.flags, '--json', '-e', 'resolve_username @example_user'], { home: h, env: { NODE_OPTIONS: `--import=${hook}`, TGSH_TRACE_IMPORTS: trace } });
    expect(second.stdout).toBe(SEED);
    expect(stats().requestsFor('contacts.resolveUsername')).toBe(before.resolves);
    expect(stats().connectionsAccepted).toBe(before.conns);
    const loaded = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n') : [];
    expect(loaded.filter((m) => /^(telegram|conf|proper-lockfile|grammy)(\/|$)/.test(m))).toEqual([]);

    // A new process with the saved session: no new key exchange, no new login.
    const keys = stats().keyExchanges;
    const third = await runTgsh([...session.flags, '-e', 'resolve_username --force example_user https://t.me/tgsh_news'], { home: h });
    expect(third.stdout).toBe('Example\ntgsh News\n');
    expect(stats().keyExchanges).toBe(keys);
  });

  it('without credentials: one FAIL line and exit status 4 in -e mode', async () => {
    const r = await runTgsh(['-e', 'resolve_username example_user'], { home: home() });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe(
      'FAIL: 401: resolving @example_user needs --api-id (TG_API_ID) and --api-hash (TG_API_HASH) (or, for public channels and groups only, --bot-token (TG_BOT_TOKEN)); the peer store does not know it\n',
    );
    expect(r.stderr).toContain('https://my.telegram.org');
    // Half the credentials: the missing half is named; [force] is not told the store lacks it.
    const half = await runTgsh(['--api-id', '17349', '-e', 'resolve_username --force example_user'], { home: home() });
    expect(half.code).toBe(4);
    expect(half.stdout).toBe(
      'FAIL: 401: resolving @example_user needs --api-hash (TG_API_HASH) (or, for public channels and groups only, --bot-token (TG_BOT_TOKEN)); [force]: the peer store was not asked\n',
    );
    const bad = await runTgsh([...session.flags, '--bot-token', '7000000001:not-the-token', '-e', 'resolve_username example_user'], { home: home() });
    expect(bad.code).toBe(4);
    expect(bad.stdout).toBe('FAIL: 401: RPC_CALL_FAIL 400: ACCESS_TOKEN_INVALID: Telegram refused the bot token\n');
    expect(bad.stdout + bad.stderr).not.toContain('not-the-token');
  });

  it('USERNAME_NOT_OCCUPIED: the FAIL on stdout, the explanation on stderr, exit status 1', async () => {
    const r = await runTgsh([...session.flags, '-e', 'resolve_username nobody_here_at_all'], { home: home() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('FAIL: 71: RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED\n');
    expect(r.stderr).toContain("no public account, bot, group or channel uses the name 'nobody_here_at_all' (or it is hidden from search)");
  });

  it('a flood wait longer than --max-wait: retry_after in JSON, exit status 5', async () => {
    const h = home();
    await runTgsh([...session.flags, '-e', 'get_self'], { home: h });
    session.sandbox.mtproto.faults.failMethod('contacts.resolveUsername', { code: 420, message: 'FLOOD_WAIT_120' });
    const r = await runTgsh([...session.flags, '--json', '--max-wait', '3', '-e', 'resolve_username tgsh_chat'], { home: h });
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'FAIL', error_code: 420, retry_after: 120 });
  });

  it('a server that never answers: a clear failure once TGSH_MTPROTO_TIMEOUT has passed', async () => {
    const h = home();
    await runTgsh([...session.flags, '-e', 'get_self'], { home: h });
    session.sandbox.mtproto.faults.neverAnswer('contacts.resolveUsername', { times: 1 });
    const r = await runTgsh([...session.flags, '-e', 'resolve_username dora_bigid'], { home: h, env: { TGSH_MTPROTO_TIMEOUT: '1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`FAIL: 71: no answer from the MTProto server ${session.sandbox.connection.dc} within 1 s (resolving @dora_bigid, contacts.ResolveUsername)\n`);
  });
});
