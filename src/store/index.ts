// The store module's entry: what Services imports (dynamically: conf costs ~70 ms to import, and
// commands that need no peers must not pay it).

import type { ProfilePaths } from '../core/paths.js';
import { ensurePrivateDir } from './conf-driver.js';
import { CredentialsStore } from './credentials.js';
import type { PeerBackend } from './backend.js';
import { chooseStore, createBackend } from './choice.js';
import type { LockOptions } from './lock.js';
import { PeerStore, type Notice } from './peer-store.js';
import { SettingsStore } from './settings.js';

export { PeerStore } from './peer-store.js';
export type { PeerBackend, PeerIndex, StoreKind, Changes } from './backend.js';
export { chooseStore, createBackend, parseStoreChoice, rememberedStore, rememberStore, safeUrl, type StoreChoice } from './choice.js';
export type { PeerInput, PeerTarget, Resolution, ImportReport, ExportDocument, Notice } from './peer-store.js';
export { SettingsStore, DEFAULT_SETTINGS, type Settings, type SettingName } from './settings.js';
export { CredentialsStore, endpointKey } from './credentials.js';
export { describeIdentity, type Identity } from './identity.js';

export interface OpenStoreOptions {
  paths: Pick<ProfilePaths, 'dir' | 'peers' | 'settings' | 'credentials'>;
  /** Where notices go (a corrupt file moved aside, a stale mapping...): stderr in the CLI. */
  notice: Notice;
  clock?: () => number;
  lock?: LockOptions;
  /** Overrides the `purge_on_start` setting. */
  purgeOnStart?: boolean;
  /** `--store` / TGSH_STORE: conf, sqlite or a postgres:// URL (store.json remembers it). */
  store?: string;
  /** A backend to use instead (tests: MemoryBackend). */
  backend?: PeerBackend;
}

/** From this many peers on, a conf profile is told that sqlite opens faster. */
export const SQLITE_SUGGESTION_PEERS = 200_000;

/** Opens a profile's settings, credentials and peer store (the profile folder is created 0700). */
export async function openPeerStore(opts: OpenStoreOptions): Promise<PeerStore> {
  ensurePrivateDir(opts.paths.dir);
  const settings = await SettingsStore.open(opts.paths.settings, opts.notice);
  const credentials = await CredentialsStore.open(opts.paths.credentials, opts.notice);
  const backend = opts.backend ?? (await createBackend(chooseStore(opts.paths.dir, opts.store, opts.notice), opts.paths, opts.lock));
  const store = new PeerStore({ backend, notice: opts.notice, settings, credentials, clock: opts.clock, lock: opts.lock });
  await store.load();
  if (backend.kind === 'conf' && store.size >= SQLITE_SUGGESTION_PEERS) {
    opts.notice(`tgsh: this profile keeps ${store.size} peers in ${backend.location}; 'store migrate sqlite' makes opening it much faster`);
  }
  if (opts.purgeOnStart ?? settings.get('purge_on_start')) {
    const days = settings.get('purge_inactive_days');
    const gone = store.purge({ inactiveDays: days });
    if (gone.length > 0) opts.notice(`tgsh: purged ${gone.length} user(s) with no interaction for ${days} days (purge_on_start)`);
  }
  return store;
}
