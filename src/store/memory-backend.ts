// A backend that keeps the peers in memory only (tests, throw-away runs). What it "stores" lives
// in a MemoryVault: a new backend on the same vault sees what an earlier one applied, as a
// reopened file would. Records are copied in and out, so the vault never shares objects with an
// index that changes them in place. Merging follows the conf file's rules (merge.ts).

import { hostname } from 'node:os';
import type { Changes, Notice, PeerBackend, PeerIndex, PollerClaim, PollerHolder } from './backend.js';
import { mergeChanges } from './merge.js';
import { PeerRepository } from './repository.js';
import { emptyDoc, type PeerDoc, type StateEntry } from './schema.js';

export class MemoryVault {
  doc: PeerDoc = emptyDoc();
  /** Who holds each bot's poller lock. */
  readonly pollers = new Map<number, PollerHolder>();
}

export class MemoryBackend implements PeerBackend {
  readonly kind = 'memory' as const;
  readonly location = 'memory';
  private readonly repo = new PeerRepository();
  private readonly held = new Set<number>();

  constructor(readonly vault: MemoryVault = new MemoryVault()) {}

  async open(_notice: Notice): Promise<PeerIndex> {
    this.repo.load(structuredClone(this.vault.doc));
    return this.repo;
  }

  wantsWrite(): boolean {
    return false;
  }

  async apply(changes: Changes, now: number): Promise<void> {
    const copy: Changes = { peers: new Map(), state: new Map() };
    for (const [k, v] of changes.peers) copy.peers.set(k, typeof v === 'number' ? v : structuredClone(v));
    for (const [k, v] of changes.state) copy.state.set(k, { ...v });
    const { renamed } = mergeChanges(this.vault.doc, copy, now);
    for (const [key, name] of renamed) {
      const rec = this.repo.get(key);
      if (rec && rec.printName !== name) {
        const before = { printName: rec.printName, usernames: rec.usernames };
        rec.printName = name;
        this.repo.reindex(rec, before, false);
      }
    }
  }

  async tryAcquirePoller(botId: number, claim?: PollerClaim): Promise<boolean> {
    if (this.held.has(botId)) return true;
    if (this.vault.pollers.has(botId)) return false;
    this.vault.pollers.set(botId, { pid: process.pid, host: hostname(), mode: claim?.mode ?? 'tgsh', since: Date.now() });
    this.held.add(botId);
    return true;
  }

  async releasePoller(botId: number): Promise<void> {
    if (!this.held.delete(botId)) return;
    this.vault.pollers.delete(botId);
  }

  holdsPoller(botId: number): boolean {
    return this.held.has(botId);
  }

  async pollerHolder(botId: number): Promise<PollerHolder | undefined> {
    return this.vault.pollers.get(botId);
  }

  async readState(name: string): Promise<StateEntry | undefined> {
    const e = this.vault.doc.state[name];
    return e ? { ...e } : undefined;
  }

  tombstones(): Iterable<[string, number]> {
    return this.repo.tombstones.entries();
  }

  stateEntries(): Iterable<[string, StateEntry]> {
    return this.repo.state.entries();
  }

  async close(): Promise<void> {
    for (const id of [...this.held]) await this.releasePoller(id);
  }

  async destroy(): Promise<void> {
    await this.close();
    this.vault.doc = emptyDoc();
    this.repo.load(emptyDoc());
  }
}
