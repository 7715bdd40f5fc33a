// broadcast on the sandbox with Telegram's real limits (the default world: 30 messages/s overall,
// 1/s per private chat): 1,000 users who started the bot, each in the store.
//  1. tgsh `broadcast --consented`: sustained rate >= 28.5 messages/s (95% of 30), zero 429s.
//  2. The same with 5% of sends answered 429 (retry_after 1-3 s): every message delivered exactly
//     once; total time <= (ideal time at 30/s + the time retry_after waits stopped all sending) * 1.05.
//  3. Baseline in the same run: grammY with @grammyjs/transformer-throttler and @grammyjs/auto-retry
//     (rethrowHttpErrors) sending the same 1,000: both times, both 429 counts, the ratio.
// Everything runs in this process (tgsh's Services and the sandbox's server share the event loop,
// as a busy client machine would); about two minutes in all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'grammy';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { autoRetry } from '@grammyjs/auto-retry';
import { parseCli } from '../dist/cli/args.js';
import { resolveConfig } from '../dist/cli/config.js';
import { Services } from '../dist/session/services.js';
import { Executor } from '../dist/commands/executor.js';
import { commandRegistry } from '../dist/commands/registry.js';
import { formatResult } from '../dist/output/format.js';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { World, defaultWorldData } from '../dist/sandbox/world/index.js';
import { missed, now, report } from './lib.js';

const USERS = 1000;
const IDEAL_RATE = 30;

/** A sandbox with the default limits and USERS users who started its bot. */
async function sandboxWithUsers() {
  const world = new World(defaultWorldData());
  const users = world.driver.addUsers(USERS, { startBot: 'tgsh_sandbox_bot', prefix: 'bench_user_', idBase: 700_000_000 });
  const sandbox = await startSandbox({ world });
  return { sandbox, world, ids: users.map((u) => u.id) };
}

/** A tgsh session on the sandbox (the same flags a user gives) with those users in its store. */
async function tgshOn(sandbox, ids) {
  const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-bc-'));
  const c = sandbox.connection;
  const cli = parseCli(['--bot-api-root', c.bot_api_root, '--bot-token', c.bot_token, '--config-dir', home, '--max-wait', '10']);
  const resolved = resolveConfig(cli.options, {}, false);
  const services = new Services(resolved.config);
  const executor = new Executor({ config: resolved.config, services, registry: commandRegistry(), mode: 'pipe', notice: () => undefined });
  const store = await services.store();
  for (const [i, id] of ids.entries()) {
    store.upsert({ kind: 'user', id, firstName: `User ${i}`, username: `bench_user_${i}` }, 'updates');
    store.setConsent({ kind: 'user', id }, 'started');
  }
  await store.flush();
  return {
    async broadcast(text) {
      const t = now();
      const [r] = await executor.run(`broadcast --consented ${text}`);
      const ms = now() - t;
      return { ms, json: JSON.parse(formatResult(r, { json: true, color: false, tty: false }).stdout) };
    },
    async close() {
      await services.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function deliveredOnce(world, ids, text) {
  let wrong = 0;
  for (const id of ids) if (world.received(id).filter((m) => m.text === text).length !== 1) wrong++;
  return wrong;
}

/** A seeded generator, so that the 5% are the same from run to run. */
function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const idealMs = (USERS / IDEAL_RATE) * 1000;

// ---- 1. tgsh, real limits ----------------------------------------------------------------------
let tgshMs;
let tgsh429;
{
  const { sandbox, world, ids } = await sandboxWithUsers();
  const s = await tgshOn(sandbox, ids);
  const { ms, json } = await s.broadcast('Bench one');
  tgshMs = ms;
  tgsh429 = sandbox.botapi.stats.statuses[429] ?? 0;
  report('1,000 users: tgsh broadcast, sustained rate', json.rate, 'msg/s', { op: '>=', limit: 28.5 });
  report('1,000 users: tgsh broadcast, 429 answers', tgsh429, '', { op: '<=', limit: 0 });
  report('1,000 users: tgsh broadcast, total time', ms / 1000, 's');
  report('1,000 users: delivered other than exactly once', deliveredOnce(world, ids, 'Bench one'), '', { op: '<=', limit: 0 });
  await s.close();
  await sandbox.close();
}

// ---- 2. tgsh, 5% of sends answered 429 -----------------------------------------------------------
{
  const { sandbox, world, ids } = await sandboxWithUsers();
  const s = await tgshOn(sandbox, ids);
  sandbox.botapi.faults.tooManyRequests('sendMessage', { fraction: 0.05, retryAfter: [1, 3], random: seeded(6) });
  const { ms, json } = await s.broadcast('Bench two');
  const waits = json.flood_wait_seconds * 1000;
  report('5% 429: injected 429 answers', sandbox.botapi.faults.injected429, '');
  report('5% 429: delivered other than exactly once', deliveredOnce(world, ids, 'Bench two'), '', { op: '<=', limit: 0 });
  report('5% 429: total time', ms / 1000, 's');
  report('5% 429: ideal time at 30/s + time stopped by retry_after', (idealMs + waits) / 1000, 's');
  report('5% 429: total / (ideal + waits)', ms / (idealMs + waits), 'x', { op: '<=', limit: 1.05 });
  report('5% 429: limit 429s besides the injected ones', sandbox.botapi.stats.tooManyRequests, '', { op: '<=', limit: 0 });
  await s.close();
  await sandbox.close();
}

// ---- 3. grammY + transformer-throttler + auto-retry, the same 1,000 ------------------------------
{
  const { sandbox, world, ids } = await sandboxWithUsers();
  const api = new Api(sandbox.connection.bot_token, { apiRoot: sandbox.connection.bot_api_root });
  api.config.use(apiThrottler());
  api.config.use(autoRetry({ rethrowHttpErrors: true }));
  const t = now();
  const results = await Promise.allSettled(ids.map((id) => api.sendMessage(id, 'Bench three')));
  const ms = now() - t;
  const errors = results.filter((r) => r.status === 'rejected').length;
  const grammy429 = sandbox.botapi.stats.statuses[429] ?? 0;
  report('grammY throttler+auto-retry: total time', ms / 1000, 's');
  report('grammY throttler+auto-retry: 429 answers', grammy429, '');
  report('grammY throttler+auto-retry: failed sends', errors, '');
  report('grammY throttler+auto-retry: delivered other than exactly once', deliveredOnce(world, ids, 'Bench three'), '');
  report('tgsh time / grammY throttler time', tgshMs / ms, 'x');
  report('tgsh 429s / grammY throttler 429s', grammy429 === 0 ? 0 : tgsh429 / grammy429, 'x');
  await sandbox.close();
}

process.exitCode = missed().length > 0 ? 1 : 0;
// Bottleneck (in the throttler) keeps timers; the figures are printed.
setTimeout(() => process.exit(), 100).unref();
