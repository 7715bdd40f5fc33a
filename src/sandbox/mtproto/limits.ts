// The per-auth-key resolve budget: contacts.resolveUsername calls counted in a sliding window on
// the world's clock; once spent, FLOOD_WAIT_X (X from the world limits) until the wait is over.

import type { World } from '../world/world.js';
import type { AuthKeyRecord } from './authkeys.js';
import { ERR } from './errors.js';

export function checkResolveBudget(world: World, key: AuthKeyRecord): void {
  const { resolve_budget: budget, resolve_window_seconds: window, resolve_flood_wait_seconds: wait } = world.limits;
  const now = world.nowMs();
  if (key.floodUntilMs) {
    if (now < key.floodUntilMs) throw ERR.floodWait(Math.max(1, Math.ceil((key.floodUntilMs - now) / 1000)));
    key.floodUntilMs = 0;
    key.resolveTimes = [];
  }
  const since = now - window * 1000;
  let drop = 0;
  while (drop < key.resolveTimes.length && key.resolveTimes[drop] <= since) drop++;
  if (drop) key.resolveTimes.splice(0, drop);
  if (key.resolveTimes.length >= budget) {
    key.floodUntilMs = now + wait * 1000;
    throw ERR.floodWait(wait);
  }
  key.resolveTimes.push(now);
}
