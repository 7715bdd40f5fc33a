// The long-lived parts a command may use, created on first use so that start-up stays fast:
// the peer store (conf), the resolver (GramJS) and the sender (grammY) are loaded only when a
// command needs them. One Services object lives as long as the shell, pipe or exec run.

import type { Config } from '../cli/config.js';
import { profilePaths, type ProfilePaths } from './paths.js';

export class Services {
  readonly paths: ProfilePaths;
  private closers: Array<() => Promise<void> | void> = [];
  private afterHooks: Array<() => Promise<void>> = [];

  constructor(readonly config: Config) {
    this.paths = profilePaths(config.profileDir);
  }

  /** Who this profile is logged in as, for `stats` ("not logged in" when nobody). */
  identity(): string | undefined {
    return undefined;
  }

  /** Completion candidates for a peer argument starting with `prefix` (usernames, print names). */
  peerCompletions(_prefix: string, _limit = 50): string[] {
    return [];
  }

  /** Registers work to run after each command, before its answer is written (store flushes). */
  onAfterCommand(hook: () => Promise<void>): void {
    this.afterHooks.push(hook);
  }

  /** Registers cleanup for close(), run in reverse order of registration. */
  onClose(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  async afterCommand(): Promise<void> {
    for (const h of this.afterHooks) await h();
  }

  /** Flushes and closes everything that was opened; safe to call twice. */
  async close(): Promise<void> {
    const closers = this.closers.reverse();
    this.closers = [];
    for (const c of closers) {
      try {
        await c();
      } catch {
        // Closing must go on for the others; each closer reports its own failures.
      }
    }
  }
}
