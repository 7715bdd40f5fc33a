// The long-lived parts a command may use, created on first use so that start-up stays fast:
// the peer store (conf), the resolver (GramJS), the bot sender (grammY) and the update poller are
// loaded only when a command needs them. One Services object lives as long as the shell, pipe,
// exec or daemon run, and is shared by every client that run serves: what differs per client (its
// notices, its terminal, its abort signal) comes with each call, never from here.

import type { Config } from '../core/config.js';
import type { PeerStore } from '../store/peer-store.js';
import { describeIdentity } from '../store/identity.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { botIdOfToken, type Secret } from '../core/secret.js';
import { profilePaths, type ProfilePaths } from '../core/paths.js';
import { configuredSettings, sandboxSettings } from './telegram.js';
import { type TelegramSettings } from '../telegram/settings.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { BotSender } from '../telegram/botapi/sender.js';
import type { Sender, SenderIdentity } from '../telegram/sender.js';
import type { Resolver } from '../telegram/resolver/types.js';
import type { UpdatePoller } from '../telegram/updates/poller.js';
import type { MtprotoLink } from '../telegram/mtproto/link.js';
import type { UserAccount } from '../telegram/user/account.js';
import { EventHub } from '../telegram/updates/hub.js';

export type Notice = (text: string) => void;


export class Services {
  readonly paths: ProfilePaths;
  private closers: Array<() => Promise<void> | void> = [];
  private afterHooks: Array<() => Promise<void>> = [];
  private loginHooks: Array<() => void> = [];
  private storePromise: Promise<PeerStore> | undefined;
  private openedStore: PeerStore | undefined;
  private telegramPromise: Promise<TelegramSettings> | undefined;
  private runningSandbox: Sandbox | undefined;
  private senderPromise: Promise<BotSender> | undefined;
  private resolverPromise: Promise<Resolver> | undefined;
  private pollerPromise: Promise<UpdatePoller> | undefined;
  private linkPromise: Promise<MtprotoLink> | undefined;
  private userPromise: Promise<UserAccount> | undefined;
  private userSenderValue: Sender | undefined;
  /** Incoming messages and consent changes, for every client that listens (shell, main_session, listen). */
  readonly events = new EventHub();

  /** `runNotice`: where notices go when a caller names none (the run's own status stream). */
  constructor(
    readonly config: Config,
    private readonly runNotice: Notice = () => {},
  ) {
    this.paths = profilePaths(config.profileDir);
  }

  /**
   * The profile's peer store (with its settings and credentials), opened on first use. The store
   * module is imported only then: conf costs ~70 ms to import, and `tgsh -e help` must not pay it.
   * `notice` (the first caller's) receives what the store reports: a corrupt file moved aside, a
   * purge on start. The store is flushed after every command and closed with the services.
   */
  store(notice: Notice = this.runNotice): Promise<PeerStore> {
    this.storePromise ??= (async () => {
      const { openPeerStore } = await import('../store/index.js');
      let store: PeerStore;
      try {
        store = await openPeerStore({ paths: this.paths, notice, store: this.config.store });
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
  telegram(notice: Notice = this.runNotice): Promise<TelegramSettings> {
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
   * The process's bot sender: one grammY Api and one SendLimiter for every send of this run (msg,
   * broadcast, every client of a daemon). `what` names the command in the exit-4 failure when no
   * bot token is configured.
   */
  async botSender(notice: Notice, what: string): Promise<BotSender> {
    const settings = await this.telegram(notice);
    const { requireSettings } = await import('../telegram/settings.js');
    requireSettings(settings, 'botapi', what);
    this.senderPromise ??= forgetFailure(
      import('../telegram/botapi/sender.js').then(({ createSender }) =>
        createSender(settings, { timeoutSeconds: this.config.botApiTimeoutSeconds, maxWaitSeconds: this.config.maxWaitSeconds }),
      ),
      () => (this.senderPromise = undefined),
    );
    return this.senderPromise;
  }

  /**
   * The sender of one identity (telegram/sender.ts): 'bot' is botSender's; 'user' is the logged-in
   * account over MTProto (telegram/user/sender.ts). `what` names the command.
   */
  async sender(identity: SenderIdentity, notice: Notice, what: string): Promise<Sender> {
    if (identity === 'bot') return this.botSender(notice, what);
    const [account, { UserSender }] = await Promise.all([this.user(notice), import('../telegram/user/sender.js')]);
    await account.link(what);
    this.userSenderValue ??= new UserSender(account);
    return this.userSenderValue;
  }

  /** The profile's resolver (the store, then MTProto); created on first use. */
  resolver(notice: Notice = this.runNotice): Promise<Resolver> {
    this.resolverPromise ??= forgetFailure(
      (async () => {
        // Loaded side by side, not one after the other: the resolver's code and the store.
        const [{ createResolver }, store] = await Promise.all([import('../telegram/resolver/resolver.js'), this.store(notice)]);
        const settings = await this.telegram(notice);
        return createResolver({
          store,
          settings,
          maxWaitSeconds: this.config.maxWaitSeconds,
          timeoutSeconds: this.config.mtprotoTimeoutSeconds,
          link: () => this.mtproto(notice),
          notice,
        });
      })(),
      () => (this.resolverPromise = undefined),
    );
    return this.resolverPromise;
  }

  /**
   * The run's one MTProto connection (GramJS, loaded only now): logged in as the saved user or the
   * bot, shared by the resolver and the user-account sender, closed with the services.
   */
  mtproto(notice: Notice = this.runNotice): Promise<MtprotoLink> {
    this.linkPromise ??= forgetFailure(
      (async () => {
        const [{ MtprotoLink }, store, settings] = await Promise.all([import('../telegram/mtproto/link.js'), this.store(notice), this.telegram(notice)]);
        const link = new MtprotoLink({ settings, credentials: store.credentials, timeoutMs: (this.config.mtprotoTimeoutSeconds ?? 10) * 1000, notice });
        this.onClose(() => link.close());
        return link;
      })(),
      () => (this.linkPromise = undefined),
    );
    return this.linkPromise;
  }

  /** The logged-in user account (sends, history, dialogs, files) over the run's MTProto link; GramJS loaded now. */
  user(notice: Notice = this.runNotice): Promise<UserAccount> {
    this.userPromise ??= forgetFailure(
      (async () => {
        const [{ UserAccount }, store, settings] = await Promise.all([import('../telegram/user/account.js'), this.store(notice), this.telegram(notice)]);
        return new UserAccount({ link: () => this.mtproto(notice), store, settings, maxWaitSeconds: this.config.maxWaitSeconds });
      })(),
      () => (this.userPromise = undefined),
    );
    return this.userPromise;
  }

  /** The bot's update poller (sync and live events share it). Exit-4 failure naming `what` without a bot. */
  async poller(notice: Notice, what: string): Promise<UpdatePoller> {
    const sender = await this.botSender(notice, what);
    const store = await this.store(notice);
    this.pollerPromise ??= forgetFailure(
      (async () => {
        const settings = await this.telegram(notice);
        const { createPoller } = await import('../telegram/updates/index.js');
        const poller = await createPoller({ sender, store, settings, profileDir: this.paths.dir, botApiTimeoutSeconds: this.config.botApiTimeoutSeconds });
        this.onClose(() => poller.stopLive());
        return poller;
      })(),
      () => (this.pollerPromise = undefined),
    );
    return this.pollerPromise;
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

  /** Registers work to run once a user account has logged in during this run (`login`). */
  onUserLogin(fn: () => void): void {
    this.loginHooks.push(fn);
  }

  /** Told by `login` once a user account is logged in: starts what waited for one (live messages). */
  userLoggedIn(): void {
    const hooks = this.loginHooks;
    this.loginHooks = [];
    for (const h of hooks) h();
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

/** A shared creation that is forgotten when it fails, so that the next command tries again. */
function forgetFailure<T>(p: Promise<T>, forget: () => void): Promise<T> {
  p.catch(forget);
  return p;
}
