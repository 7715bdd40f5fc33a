// tgsh's one MTProto connection per process: created on first need, logged in (a bot by its token
// with auth.importBotAuthorization, a user by the session `login` saved), reused for every lookup
// and destroyed when the services close. A saved session is reused as it is: no key exchange, no
// new login. A session the server forgot (-404) or revoked (AUTH_KEY_UNREGISTERED) is dropped: a
// bot logs in again once, a user is told to run `login`. A connection lost mid-call is retried once.
//
// This module imports GramJS: load it with a dynamic import().

import type { TelegramSettings } from '../settings.js';
import type { CredentialsStore, Identity } from '../../store/credentials.js';
import { ErrorCode, TgshError } from '../../core/errors.js';
import {
  Api,
  createMtprotoClient,
  destroyClient,
  invokeWithTimeout,
  saveSession,
  MtprotoAuthKeyUnknownError,
  MtprotoConnectError,
  MtprotoRpcError,
  MtprotoTimeoutError,
  type MtprotoClient,
  type MtprotoLogLevel,
} from './index.js';
import { isSessionError, notLoggedIn } from '../resolver/failures.js';
import { tlId, type TlObject } from '../resolver/tl-peers.js';
import type { Notice } from '../resolver/types.js';

export type LoginKind = 'bot' | 'user';

export interface LinkDeps {
  settings: TelegramSettings;
  credentials: CredentialsStore;
  /** Bound on connecting and on every call (ms). */
  timeoutMs: number;
  notice: Notice;
  logLevel?: MtprotoLogLevel;
}

type Request = Api.AnyRequest;

/** The bot id a token names (`123456:ABC` -> 123456). */
export function botIdOfToken(token: string): number | undefined {
  const m = /^(\d{1,20}):/.exec(token);
  return m ? Number(m[1]) : undefined;
}

export function identityOf(kind: LoginKind, user: TlObject): Identity {
  const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const username = s(user.username) ?? s((user.usernames as TlObject[] | undefined)?.[0]?.username);
  return {
    kind,
    id: tlId(user.id as { toString(): string }),
    username,
    first_name: s(user.firstName),
    last_name: s(user.lastName),
    phone: kind === 'user' ? s(user.phone) : undefined,
    at: Date.now(),
  };
}

export class MtprotoLink {
  private client: MtprotoClient | undefined;
  private opening: Promise<MtprotoClient> | undefined;
  private kind: LoginKind | undefined;
  /** The session when it must not be saved (the in-process sandbox). */
  private memorySession = '';
  private memoryIdentity: Identity | undefined;

  private readonly clientListeners = new Set<(c: MtprotoClient) => void>();

  constructor(readonly d: LinkDeps) {}

  /** Called with every client the link opens or adopts (the user's update tracker attaches to each). */
  onClient(fn: (c: MtprotoClient) => void): () => void {
    this.clientListeners.add(fn);
    if (this.client) fn(this.client);
    return () => this.clientListeners.delete(fn);
  }

  private told(c: MtprotoClient): void {
    for (const fn of this.clientListeners) fn(c);
  }

  get server(): string {
    const dc = this.d.settings.dc;
    return dc ? `${dc.host}:${dc.port}` : 'Telegram';
  }

  /** Who the open connection is logged in as (undefined before the first call). */
  get loggedInAs(): LoginKind | undefined {
    return this.client ? this.kind : undefined;
  }

  // ---------------------------------------------------------------- sessions

  private get persistent(): boolean {
    return this.d.settings.sessionKey !== undefined;
  }

  savedSession(): string {
    if (!this.persistent) return this.memorySession;
    return this.d.credentials.session(this.d.settings.sessionKey!)?.reveal() ?? '';
  }

  identity(): Identity | undefined {
    return this.persistent ? this.d.credentials.identity() : (this.memoryIdentity ?? this.d.credentials.identity());
  }

  /** Keeps a logged-in client's session and who it is. */
  async remember(client: MtprotoClient, kind: LoginKind, user: TlObject): Promise<Identity> {
    const identity = identityOf(kind, user);
    const session = saveSession(client);
    const old = this.d.credentials.identity();
    const same = (a: Identity | undefined): boolean => a !== undefined && JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...identity, at: 0 });
    this.memoryIdentity = identity;
    if (this.persistent) {
      // Nothing new (get_self on the same login): no write.
      if (session === this.savedSession() && same(old)) return old!;
      await this.d.credentials.setSession(this.d.settings.sessionKey!, session);
    } else this.memorySession = session;
    if (!same(old)) await this.d.credentials.setIdentity(identity);
    return identity;
  }

  /** Deletes the saved session and who it was (the server forgot it, or logout). */
  async forget(): Promise<void> {
    this.memorySession = '';
    this.memoryIdentity = undefined;
    if (this.persistent && this.d.credentials.session(this.d.settings.sessionKey!)) await this.d.credentials.setSession(this.d.settings.sessionKey!, undefined);
    if (this.d.credentials.identity()) await this.d.credentials.setIdentity(undefined);
  }

  // ---------------------------------------------------------------- connecting

  /** A new connected client on `session` ('' creates a new auth key). */
  async connect(session: string): Promise<MtprotoClient> {
    const s = this.d.settings;
    if (s.apiId === undefined || !s.apiHash) throw new TgshError(ErrorCode.NOT_LOGGED_IN, 'MTProto needs --api-id and --api-hash', { failure: 'auth' });
    return createMtprotoClient({
      endpoint: s.dc ? { host: s.dc.host, port: s.dc.port, rsaPublicKeyPem: s.rsaKeyPem } : undefined,
      session,
      apiId: s.apiId,
      apiHash: s.apiHash.reveal(),
      timeoutMs: this.d.timeoutMs,
      connectionRetries: 2,
      retryDelayMs: 300,
      logLevel: this.d.logLevel ?? 'none',
    });
  }

  /** The connected, logged-in client: the saved session, else a bot login with the token. */
  ready(): Promise<MtprotoClient> {
    if (this.client) return Promise.resolve(this.client);
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** A saved session this configuration may use, and whose it is. */
  private usableSession(): { session: string; kind: LoginKind } | undefined {
    const session = this.savedSession();
    if (!session) return undefined;
    const who = this.identity();
    const token = this.d.settings.botToken?.reveal();
    // The session of another bot than the token names is not this bot's.
    if (who?.kind === 'bot' && token && botIdOfToken(token) !== who.id) return undefined;
    return { session, kind: who?.kind ?? (token ? 'bot' : 'user') };
  }

  private async open(): Promise<MtprotoClient> {
    const saved = this.usableSession();
    if (saved) {
      try {
        const c = await this.connect(saved.session);
        this.client = c;
        this.told(c);
        this.kind = saved.kind;
        return c;
      } catch (e) {
        if (!(e instanceof MtprotoAuthKeyUnknownError)) throw e;
        await this.forget();
        if (saved.kind === 'user' || !this.d.settings.botToken) throw sessionGone(this.server, e);
        this.d.notice(`tgsh: the MTProto server ${this.server} no longer knows the saved session; logging the bot in again`);
      }
    }
    if (!this.d.settings.botToken) throw notLoggedIn('this command');
    const c = await this.connect('');
    try {
      await this.loginBot(c);
    } catch (e) {
      await destroyClient(c);
      throw e;
    }
    this.client = c;
    this.told(c);
    return c;
  }

  private async loginBot(c: MtprotoClient): Promise<void> {
    const s = this.d.settings;
    const request = new Api.auth.ImportBotAuthorization({ flags: 0, apiId: s.apiId!, apiHash: s.apiHash!.reveal(), botAuthToken: s.botToken!.reveal() });
    const auth: Api.auth.TypeAuthorization = await this.call(c, request);
    if (!(auth instanceof Api.auth.Authorization)) throw new TgshError(ErrorCode.SERVER, 'Telegram did not log the bot in (auth.authorizationSignUpRequired)');
    this.kind = 'bot';
    await this.remember(c, 'bot', auth.user as unknown as TlObject);
  }

  /** One call on a client, following a data centre migration (Telegram's own servers only). */
  async call<R extends Request>(c: MtprotoClient, request: R): Promise<R['__response']> {
    try {
      return await invokeWithTimeout(c, request, this.d.timeoutMs);
    } catch (e) {
      const dc = e instanceof MtprotoRpcError ? e.migrateDc : undefined;
      if (dc === undefined || this.d.settings.dc) throw e;
      // Telegram keeps this account in another data centre: a new key there, then the call again.
      await (c as unknown as { _switchDC(dc: number): Promise<unknown> })._switchDC(dc);
      return invokeWithTimeout(c, request, this.d.timeoutMs);
    }
  }

  /** Adopts a client a login flow connected and logged in. */
  async adopt(c: MtprotoClient, kind: LoginKind, user: TlObject): Promise<Identity> {
    if (this.client && this.client !== c) await destroyClient(this.client);
    this.client = c;
    this.told(c);
    this.kind = kind;
    return this.remember(c, kind, user);
  }

  /**
   * A call on the logged-in connection. A bot whose login the server lost logs in again once; a
   * connection that broke is opened again and the call repeated once.
   */
  async invoke<R extends Request>(request: R): Promise<R['__response']> {
    let relogged = false;
    let reconnected = false;
    for (;;) {
      const c = await this.ready();
      try {
        return await this.call(c, request);
      } catch (e) {
        const bot = this.kind === 'bot' && this.d.settings.botToken !== undefined;
        if (isSessionError(e) || e instanceof MtprotoAuthKeyUnknownError) {
          if (bot && !relogged) {
            relogged = true;
            this.d.notice(`tgsh: the server ended the bot's MTProto session (${e instanceof MtprotoRpcError ? e.errorMessage : 'auth key unknown'}); logging in again`);
            await this.forget();
            if (e instanceof MtprotoAuthKeyUnknownError) await this.drop(); // a new key is needed
            else await this.loginBot(c); // the key is good, only its login is gone
            continue;
          }
          await this.forget();
          await this.drop();
          throw sessionGone(this.server, e);
        }
        if (e instanceof MtprotoConnectError && !(e instanceof MtprotoTimeoutError) && !reconnected) {
          reconnected = true;
          await this.drop();
          continue;
        }
        throw e;
      }
    }
  }

  /** Closes the connection (the saved session stays). */
  async drop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await destroyClient(c);
  }

  async close(): Promise<void> {
    const pending = this.opening;
    await this.drop();
    if (pending) {
      const c = await pending.catch(() => undefined);
      if (c) await destroyClient(c);
    }
  }
}

function sessionGone(server: string, e: unknown): TgshError {
  const why = e instanceof MtprotoRpcError ? e.errorMessage : 'the server no longer knows its auth key';
  return new TgshError(ErrorCode.NOT_LOGGED_IN, `the saved MTProto session on ${server} is no longer logged in (${why}); it was deleted`, {
    failure: 'auth',
    hint: "log in again with 'login' (or give the bot's token with --bot-token)",
  });
}
