// Shared set-up for the broadcast tests: a sandbox session whose store already knows the world's
// users (as `sync` would have taught it), and ways to read a broadcast's journal and deliveries.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxSession } from '../helpers/sandbox.js';
import type { ConsentState } from '../../src/peers/types.js';
import type { World } from '../../src/sandbox/world/world.js';

export interface SeedUser {
  id: number;
  firstName: string;
  username?: string;
  consent?: ConsentState;
}

/** Puts users in the session's store (names, usernames, consent) and flushes it to disk. */
export async function seedStore(session: SandboxSession, users: readonly SeedUser[]): Promise<void> {
  const store = await session.services.store();
  for (const u of users) {
    store.upsert({ kind: 'user', id: u.id, firstName: u.firstName, username: u.username ?? null }, 'updates');
    if (u.consent) store.setConsent({ kind: 'user', id: u.id }, u.consent);
  }
  await store.flush();
}

/** The default world's people as `sync` would have recorded them. */
export const DEFAULT_USERS: SeedUser[] = [
  { id: 191322468, firstName: 'Example', username: 'example_user', consent: 'started' },
  { id: 200000001, firstName: 'Alice', username: 'alice_started', consent: 'started' },
  { id: 200000002, firstName: 'Bob', username: 'bob_blocked', consent: 'blocked' },
  { id: 200000003, firstName: 'Carol', username: 'carol_never' },
];

/** Adds n users who started the bot to the world and the store. */
export async function addStartedUsers(session: SandboxSession, n: number, prefix = 'fan_'): Promise<number[]> {
  const users = session.sandbox.world.driver.addUsers(n, { startBot: 'tgsh_sandbox_bot', prefix, idBase: 800_000_000 });
  await seedStore(
    session,
    users.map((u) => ({ id: u.id, firstName: u.first_name, username: u.usernames?.[0], consent: 'started' as const })),
  );
  return users.map((u) => u.id);
}

/** How many messages each chat received from the bot with this text. */
export function deliveries(world: World, chatIds: readonly number[], text: string): number[] {
  return chatIds.map((id) => world.received(id).filter((m) => m.text === text).length);
}

/** The ids of the journals in a profile. */
export function journalIds(session: SandboxSession): string[] {
  const dir = session.services.paths.journals;
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -6));
  } catch {
    return [];
  }
}

export function journalLines(session: SandboxSession, id: string): string[] {
  return readFileSync(join(session.services.paths.journals, `${id}.jsonl`), 'utf8').split('\n').filter(Boolean);
}

/** Waits (polling, no fixed sleep) until cond() holds. */
export async function until(cond: () => boolean, what = 'condition', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
