// `sync` of 100,000 pending updates (issue 6): tgsh's sync through the Executor, the real store on
// disk (a flush before every confirming getUpdates) and unmodified grammY against the sandbox Bot
// API server. Baseline in the same run: draining the same number of updates with grammY's getUpdates
// alone (offsets confirmed, no store), so the ratio shows what the store and the ledger cost.
// Target: sync <= 5 s, on the default conf store and on sqlite. Build first: `npx tsc -p .`.
// npm run bench -- sync
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'grammy';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { parseCli } from '../dist/cli/args.js';
import { resolveConfig } from '../dist/cli/config.js';
import { Services } from '../dist/session/services.js';
import { Executor } from '../dist/commands/executor.js';
import { commandRegistry } from '../dist/commands/registry.js';
import { SANDBOX_BOT_ID } from '../dist/sandbox/world/default-world.js';
import { missed, now, report } from './lib.js';

const N = 100_000;
const USERS = 1_000;

/** A sandbox holding N pending private messages from USERS users who started the bot. */
async function loadedSandbox() {
  const sb = await startSandbox();
  const users = sb.world.driver.addUsers(USERS, { startBot: SANDBOX_BOT_ID });
  // Confirm the seeded updates so the queue holds exactly N.
  const q = sb.world.updates(SANDBOX_BOT_ID);
  q.confirm(q.nextUpdateId);
  sb.world.driver.enqueueMessages(N, { from: users.map((u) => u.id) });
  return sb;
}

async function baseline() {
  const sb = await loadedSandbox();
  try {
    const api = new Api(sb.connection.bot_token, { apiRoot: sb.connection.bot_api_root });
    const t = now();
    let offset;
    let seen = 0;
    for (;;) {
      const batch = await api.getUpdates({ offset, limit: 100, timeout: 0 });
      if (batch.length === 0) break;
      seen += batch.length;
      offset = batch[batch.length - 1].update_id + 1;
    }
    const ms = now() - t;
    if (seen !== N) throw new Error(`baseline drained ${seen} updates, expected ${N}`);
    return ms;
  } finally {
    await sb.close();
  }
}

/** tgsh's sync of the N updates into a new profile; `storeFlags` picks its backend (default conf). */
async function tgshSync(storeFlags = []) {
  const sb = await loadedSandbox();
  const home = mkdtempSync(join(tmpdir(), 'tgsh-bench-sync-'));
  const c = sb.connection;
  const cli = parseCli(['--bot-api-root', c.bot_api_root, '--bot-token', c.bot_token, '--config-dir', home, '--json', ...storeFlags]);
  const { config } = resolveConfig(cli.options, {}, false);
  const services = new Services(config);
  const executor = new Executor({ config, services, registry: commandRegistry(), mode: 'pipe', notice: () => {} });
  try {
    // Open the store and load grammY outside the timing (a process does this once).
    await executor.run('stats');
    await services.store();
    const t = now();
    const [r] = await executor.run('sync');
    const ms = now() - t;
    if (r.kind !== 'text' || r.json.updates !== N) throw new Error(`sync answered ${JSON.stringify(r).slice(0, 300)}`);
    const store = await services.store();
    if (store.size < USERS) throw new Error(`the store holds ${store.size} peers, expected at least ${USERS}`);
    if (sb.world.updates(SANDBOX_BOT_ID).pending !== 0) throw new Error('updates left unconfirmed');
    return ms;
  } finally {
    await services.close();
    await sb.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const base = await baseline();
const ms = await tgshSync();
const sqliteMs = await tgshSync(['--store', 'sqlite']);
report('getUpdates drain alone, 100k updates (baseline)', base / 1000, 's');
report('sync of 100k updates into the store (conf)', ms / 1000, 's', { op: '<=', limit: 5 });
report('sync / baseline', ms / base, 'x');
report('sync throughput', Math.round((N / ms) * 1000), 'updates/s');
report('sync of 100k updates into a sqlite store (issue 14)', sqliteMs / 1000, 's', { op: '<=', limit: 5 });
report('  sqlite / conf', sqliteMs / ms, 'x');
process.exitCode = missed().length ? 1 : 0;
