// `store migrate`: copies a profile's peers, tombstones and state (update offsets per bot) from
// the backend in use to another one, checks the copy by reopening it, and only then switches the
// profile (store.json, replaced atomically). An interrupted migration leaves store.json as it was:
// the old store stays in charge, and the next attempt starts the copy again from nothing.
// The profile's journals (updates, broadcasts) refer to peers by id and stay where they are.

import type { PeerBackend } from './backend.js';
import { createBackend, describeChoice, rememberStore, sameChoice, type BackendPaths, type StoreChoice } from './choice.js';
import type { LockOptions } from './lock.js';
import type { PeerStore } from './peer-store.js';
import { TgshError, ErrorCode } from '../core/errors.js';

export interface MigrationReport {
  from: string;
  to: string;
  location: string;
  peers: number;
  tombstones: number;
  state: number;
}

export async function migrateStore(opts: {
  store: PeerStore;
  /** What the store uses now (the running store's backend when absent). */
  current?: StoreChoice;
  target: StoreChoice;
  paths: BackendPaths;
  lock?: LockOptions;
  /** Called after the copy and before the switch (tests interrupt a migration here). */
  beforeSwitch?: () => void | Promise<void>;
}): Promise<MigrationReport> {
  const { store, target } = opts;
  const kind = store.backend.kind;
  const current: StoreChoice = opts.current ?? { kind: kind === 'memory' ? 'conf' : kind };
  if (sameChoice(current, target)) throw new TgshError(ErrorCode.BAD_ARGUMENT, `the profile already keeps its peers in ${describeChoice(target)}`);
  await store.flush();
  const source = store.backend;
  const records = store.all();
  const peers = records.length;
  const tombs = [...source.tombstones()];
  const state = [...source.stateEntries()];
  const now = Date.now();

  // Whatever the target holds is not in charge (store.json does not name it): start it afresh.
  const fresh = await createBackend(target, opts.paths, opts.lock);
  await fresh.destroy();
  const copy = await createBackend(target, opts.paths, opts.lock);
  // Through the target's own index, as the service writes: a resident backend (conf) writes what
  // its memory holds.
  const target_ = await copy.open(() => {});
  let tombstones = 0;
  try {
    for (const p of records) target_.put(p, { isNew: true });
    for (const [key, at] of tombs) {
      if (target_.get(key)) continue;
      target_.remove(key, at);
      tombstones++;
    }
    for (const [name, entry] of state) target_.setState(name, entry);
    await copy.apply(target_.takeChanges(), now);
  } finally {
    await copy.close();
  }
  const check = await createBackend(target, opts.paths, opts.lock);
  const index = await check.open(() => {});
  const copied = index.size;
  await check.close();
  if (copied !== peers) throw new TgshError(ErrorCode.INTERNAL, `store migrate: ${copied} of ${peers} peers arrived in ${describeChoice(target)}; the profile stays on ${describeChoice(current)}`);
  await opts.beforeSwitch?.();
  rememberStore(opts.paths.dir, target);
  const next: PeerBackend = await createBackend(target, opts.paths, opts.lock);
  await store.switchBackend(next);
  return { from: describeChoice(current), to: describeChoice(target), location: next.location, peers, tombstones, state: state.length };
}
