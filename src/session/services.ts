// The long-lived parts a command may use, created on first use so that start-up stays fast:
// the peer store (conf), the resolver (GramJS) and the sender (grammY) are loaded only when a
// command needs them. One Services object lives as long as the shell, pipe or exec run.

import type { Config } from '../core/config.js';
import type { PeerStore } from '../store/peer-store.js';
import { describeIdentity } from '../store/identity.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { botIdOfToken, type Secret } from '../core/secret.js';
import { profilePaths, type ProfilePaths } from '../core/paths.js';
import { configuredSettings, sandboxSettings } from './telegram.js';
import { type TelegramSettings } from '../telegram/settings.js';
import type { Sandbox } from '../sandbox/sandbox.js';

export type Notice = (text: string) => void;

const stderrNotice: Notice = (text) => void process.stderr.write(text.endsWith('\n') ? text : text + '\n');

export class Services {
  readonly paths: ProfilePaths;
  private closers: Array<() => Promise<void> | void> = [];
  private afterHooks: Array<() => Promise<void>> = [];
  private storePromise: Promise<PeerStore> | undefined;
  private openedStore: PeerStore | undefined;
  private telegramPromise: Promise<TelegramSettings> | undefined;
  private runningSandbox: Sandbox | undefined;
  private readonly slots = new Map<string, Promise<unknown>>();

  constructor(readonly config: Config) {
    this.paths = profilePaths(config.profileDir);
  }

  /**
   * The profile's peer store (with its settings and credentials), opened on first use. The store
   * module is imported only then: conf costs ~70 ms to import, and `tgsh -e help` must not pay it.
   * `notice` (the first caller's) receives what the store reports: a corrupt file moved aside, a
   * purge on start. The store is flushed after every command and closed with the services.
   */
  store(notice: Notice = stderrNotice): Promise<PeerStore> {
    this.storePromise ??= (async () => {
      const { openPeerStore } = await import('../store/index.js');
      let store: PeerStore;
      try {
        store = await openPeerStore({ paths: this.paths, notice });
      } catch (e) {
        if (e instanceof TgshError) throw e;
        throw new TgshError(ErrorCode.INTERNAL, `can not open the peer store ${this.paths.peers}: ${e instanceof Error ? e.message : String(e)}`, {
          hint: `check that ${this.paths.dir} is a folder you can write`,
        });
      }
      // The ledger is the configured bot's (the sandbox's bot is bound once it has started).
      if (!this.config.sandbox) store.useBot(botIdOfToken(this.config.botToken ?? store.credentials.botToken()));
      this.openedStore = store;
      this.onAfterCommand(() => store.flush());
      this.onClose(async () => {
        try {
          await store.close();
        } catch (e) {
          notice(`tgsh: peers not saved: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
      return store;
    })().catch((e: unknown) => {
      this.storePromise = undefined; // the next command tries again
      throw e;
    });
    return this.storePromise;
  }

  /**
   * Where to reach Telegram (flags, environment, stored credentials), or the in-process sandbox
   * when the config says so: it is started on first use, with its banner as a notice.
   */
  telegram(notice: Notice = stderrNotice): Promise<TelegramSettings> {
    this.telegramPromise ??= (async () => {
      if (this.config.sandbox) {
        const { startSandbox, SANDBOX_BANNER } = await import('../sandbox/sandbox.js');
        const sandbox = await startSandbox({ worldFile: this.config.worldFile });
        this.runningSandbox = sandbox;
        this.onClose(() => sandbox.close());
        if (!this.config.quiet && this.config.sandboxBanner !== false) notice(SANDBOX_BANNER);
        const settings = sandboxSettings(sandbox);
        const store = await this.store(notice);
        store.useBot(botIdOfToken(settings.botToken));
        // This world was born with this process and numbers its updates from the start again: an
        // offset kept from an earlier sandbox would confirm (lose) this one's first updates.
        store.setUpdateOffset(0);
        return settings;
      }
      const store = await this.store(notice);
      return configuredSettings(this.config, store.credentials.botToken());
    })().catch((e: unknown) => {
      this.telegramPromise = undefined;
      throw e;
    });
    return this.telegramPromise;
  }

  /** The in-process sandbox, once `telegram()` has started it. */
  sandbox(): Sandbox | undefined {
    return this.runningSandbox;
  }

  /**
   * One shared instance per Services of something expensive (the resolver, the sender), created
   * on first use. A failed creation is forgotten so that the next command tries again.
   */
  shared<T>(key: string, create: () => Promise<T>): Promise<T> {
    let p = this.slots.get(key) as Promise<T> | undefined;
    if (!p) {
      p = create();
      this.slots.set(key, p);
      p.catch(() => this.slots.delete(key));
    }
    return p;
  }

  /** The store when it is already open (for synchronous callers: completion, the parser). */
  openStore(): PeerStore | undefined {
    return this.openedStore;
  }

  /**
   * Every secret this process knows, for scrubbing text that leaves it (library errors carry
   * request URLs with the bot token): the configured ones and, once the store is open, the stored
   * bot token and MTProto sessions.
   */
  secrets(): Array<Secret | undefined> {
    const c = this.config;
    const out: Array<Secret | undefined> = [c.botToken, c.apiHash, c.password];
    const creds = this.openedStore?.credentials;
    if (creds) {
      out.push(creds.botToken(), creds.savedTelegram().apiHash);
      for (const e of creds.sessionEndpoints()) out.push(creds.session(e));
    }
    return out;
  }

  /** Who this profile is logged in as, for `stats` ("not logged in" when nobody or the store is not open). */
  identity(): string | undefined {
    const i = this.openedStore?.credentials.identity();
    return i ? describeIdentity(i) : undefined;
  }

  /** Completion candidates for a peer argument starting with `prefix` (usernames, print names). */
  peerCompletions(prefix: string, limit = 50): string[] {
    return this.openedStore?.completions(prefix, limit) ?? [];
  }

  /** True when a bare word is a print name in the store (the parser's `isKnownPeer`). */
  isKnownPeer(token: string): boolean {
    return this.openedStore?.isKnownPeer(token) ?? false;
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
    if (this.storePromise) await this.storePromise.catch(() => undefined);
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
