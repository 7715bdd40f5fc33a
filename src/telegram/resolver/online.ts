// The resolver's network half: MTProto lookups on the process's one connection, FLOOD_WAIT sat
// out only within --max-wait (with a notice), the client-side resolve budget (settings
// resolve_per_second, resolve_burst), the Bot API's getChat when MTProto is not configured, and
// login/logout. Loaded by resolver.ts on the first call that needs the network; it loads GramJS
// (link.ts, lookups.ts) in turn.

import { ErrorCode, TgshError } from '../../core/errors.js';
import { splitBotApiChatId } from '../../peers/ref.js';
import type { ChatMember, PeerRecord } from '../../peers/types.js';
import type { TelegramSettings } from '../settings.js';
import type { PeerInput, PeerStore } from '../../store/peer-store.js';
import { describeIdentity } from '../../store/identity.js';
import { scrubSecrets } from '../../core/secret.js';
import type { MtprotoLink } from '../mtproto/link.js';
import type { Learned } from './lookups.js';
import { abortable, ResolveBudget, sleep } from './budget.js';
import { failureOf, floodFailure, isFloodWait, type FailureContext } from './failures.js';
import type { ChatInfo, LoginInputs, Notice } from './types.js';
import type { MtprotoRpcError } from '../mtproto/errors.js';

type Lookups = typeof import('./lookups.js');

const DEFAULT_TIMEOUT_S = 10;
/** At most one "pacing" notice this often: a long list of names waits many times. */
const BUDGET_NOTICE_EVERY_MS = 5000;

export interface OnlineDeps {
  store: PeerStore;
  settings: TelegramSettings;
  /** --max-wait: the longest FLOOD_WAIT sat out, in seconds. */
  maxWaitSeconds: number;
  /** Bound on connecting and on every call (default 10 s). */
  timeoutSeconds?: number;
  /** The run's one MTProto connection (shared with the user-account sender), opened on first use. */
  link(): Promise<MtprotoLink>;
  /** Where notices go when a call names none. */
  notice: Notice;
}

/** One call's context: what it is (for failures) and where its notices go. */
type Call = FailureContext & { notice: Notice };

export class Online {
  private lookupsPromise: Promise<Lookups> | undefined;
  private botApi: Promise<import('grammy').Api> | undefined;
  private readonly budget: ResolveBudget;
  private lastBudgetNotice = 0;

  constructor(private readonly d: OnlineDeps) {
    this.budget = new ResolveBudget(this.limits());
  }

  private get maxWait(): number {
    return this.d.maxWaitSeconds;
  }

  private get timeoutMs(): number {
    return (this.d.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000;
  }

  private limits(): { perSecond: number; burst: number } {
    return { perSecond: this.d.store.settings.get('resolve_per_second'), burst: this.d.store.settings.get('resolve_burst') };
  }

  context(what: string, notice: Notice, username?: string): Call {
    const dc = this.d.settings.dc;
    return { what, username, server: dc ? `${dc.host}:${dc.port}` : 'Telegram', customServer: dc !== undefined, maxWaitSeconds: this.maxWait, notice };
  }

  /** The FAIL for any error, with every secret scrubbed (messages of libraries may carry them). */
  fail(e: unknown, c: FailureContext): TgshError {
    const f = failureOf(e, c);
    const secrets = [this.d.settings.botToken, this.d.settings.apiHash];
    const message = scrubSecrets(f.message, secrets);
    const hint = f.hint === undefined ? undefined : scrubSecrets(f.hint, secrets);
    return message === f.message && hint === f.hint ? f : new TgshError(f.code, message, { ...f.more, hint });
  }

  link(): Promise<MtprotoLink> {
    return this.d.link();
  }

  private lookups(): Promise<Lookups> {
    this.lookupsPromise ??= import('./lookups.js');
    return this.lookupsPromise;
  }

  /** Stores what a lookup learned; returns the stored record of the peer asked about. */
  private keep(l: Learned, c: FailureContext): PeerRecord {
    for (const p of l.all) if (p !== l.peer) this.d.store.upsert(p, 'mtproto');
    if (!l.peer) throw new TgshError(ErrorCode.SERVER, `Telegram's answer did not carry the peer (${c.what})`);
    return this.d.store.upsert(l.peer, 'mtproto');
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Runs an MTProto call, sitting out FLOOD_WAIT_X when X fits in what is left of --max-wait (with
   * a notice), failing at once otherwise. `paced`: a resolve, which also waits for the budget, and
   * whose FLOOD_WAIT holds back every later resolve of this process too.
   */
  private async withFloodWaits<T>(c: Call, signal: AbortSignal | undefined, paced: boolean, call: () => Promise<T>): Promise<T> {
    let waited = 0;
    let answered: MtprotoRpcError | undefined; // the FLOOD_WAIT this very call just got
    for (;;) {
      if (paced) waited += await this.waitForBudget(c, signal, waited, answered);
      answered = undefined;
      try {
        return await abortable(call(), signal);
      } catch (e) {
        if (!isFloodWait(e)) throw this.fail(e, c);
        const seconds = e.seconds!;
        if (paced) {
          this.budget.floodFor(seconds);
          answered = e;
          continue;
        }
        if (this.maxWait <= 0 || waited + seconds > this.maxWait) throw floodFailure(seconds, c);
        c.notice(waitNotice(e, c, this.maxWait));
        await this.sleep(seconds * 1000, signal, c);
        waited += seconds;
      }
    }
  }

  private async sleep(ms: number, signal: AbortSignal | undefined, c: FailureContext): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (e) {
      throw this.fail(e, c);
    }
  }

  /**
   * Waits for the resolve budget: Telegram's FLOOD_WAIT first (sat out only within what is left of
   * --max-wait), then a token. Returns the seconds of FLOOD_WAIT sat out.
   */
  private async waitForBudget(c: Call, signal: AbortSignal | undefined, alreadyWaited: number, answered: MtprotoRpcError | undefined): Promise<number> {
    this.budget.configure(this.limits());
    let flooded = 0;
    for (;;) {
      const flood = this.budget.floodWaitMs();
      if (flood > 0) {
        const seconds = Math.ceil(flood / 1000);
        if (this.maxWait <= 0 || alreadyWaited + flooded + flood / 1000 > this.maxWait) throw floodFailure(answered?.seconds ?? seconds, c, answered === undefined);
        c.notice(
          answered
            ? waitNotice(answered, c, this.maxWait)
            : `tgsh: Telegram asked tgsh to wait ${seconds} s more before resolving again (FLOOD_WAIT); waiting (--max-wait ${this.maxWait})`,
        );
        answered = undefined;
        await this.sleep(flood, signal, c);
        flooded += flood / 1000;
        continue;
      }
      const ms = this.budget.waitMs();
      if (ms <= 0) {
        this.budget.take();
        return flooded;
      }
      const now = Date.now();
      if (now - this.lastBudgetNotice >= BUDGET_NOTICE_EVERY_MS) {
        this.lastBudgetNotice = now;
        c.notice(`tgsh: pacing resolves (${this.budget.describe()}: settings resolve_per_second, resolve_burst); waiting ${(ms / 1000).toFixed(1)} s`);
      }
      await this.sleep(ms, signal, c);
    }
  }

  // ---------------------------------------------------------------- lookups

  async resolveUsername(username: string, notice: Notice, signal?: AbortSignal): Promise<PeerRecord> {
    const c = this.context(`resolving @${username}`, notice, username);
    const [link, lookups] = await Promise.all([this.link(), this.lookups()]);
    const learned = await this.withFloodWaits(c, signal, true, () => lookups.resolveUsername(link, username));
    return this.keep(learned, c);
  }

  async info(what: string, notice: Notice, signal: AbortSignal | undefined, call: (lookups: Lookups, link: MtprotoLink) => Promise<Learned>): Promise<ChatInfo> {
    const c = this.context(what, notice);
    const [link, lookups] = await Promise.all([this.link(), this.lookups()]);
    const learned = await this.withFloodWaits(c, signal, false, () => call(lookups, link));
    const peer = this.keep(learned, c);
    if (!learned.members) return { peer };
    // The members are users the same answer carried: stored by now.
    const user = (id: number | undefined): PeerRecord | undefined => (id === undefined ? undefined : this.d.store.get('user', id));
    const members: ChatMember[] = [];
    for (const m of learned.members) {
      const p = user(m.userId);
      if (p) members.push({ peer: p, inviter: user(m.inviterId), date: m.date, admin: m.admin });
    }
    return { peer, members };
  }

  async getSelf(notice: Notice, signal?: AbortSignal): Promise<PeerRecord> {
    const c = this.context('get_self', notice);
    const [link, lookups] = await Promise.all([this.link(), this.lookups()]);
    const learned = await this.withFloodWaits(c, signal, false, () => lookups.getSelf(link));
    const rec = this.keep(learned, c);
    // Keep who is logged in current (a renamed bot, a changed username).
    if (learned.user && link.loggedInAs) await link.remember(await link.ready(), link.loggedInAs, learned.user);
    return rec;
  }

  /** Without MTProto credentials: the Bot API finds public channels and supergroups by @name. */
  async resolveByBotApi(username: string, signal?: AbortSignal): Promise<PeerRecord> {
    const { createBotApi, describeBotApiFailure } = await import('../botapi/api.js');
    const token = this.d.settings.botToken!;
    this.botApi ??= createBotApi({ token, apiRoot: this.d.settings.botApiRoot, timeoutSeconds: Math.max(1, this.timeoutMs / 1000) });
    const api = await this.botApi;
    let chat: Awaited<ReturnType<typeof api.getChat>>;
    try {
      chat = await api.getChat(`@${username}`, signal as Parameters<typeof api.getChat>[1]);
    } catch (e) {
      const f = describeBotApiFailure(e, [token, this.d.settings.apiHash]);
      if (f.kind === 'network') {
        throw new TgshError(ErrorCode.SERVER, `cannot reach the Bot API at ${this.d.settings.botApiRoot} (${f.message}) while resolving @${username}`, {
          hint: 'check --bot-api-root (TG_BOT_API_ROOT) and your network connection',
        });
      }
      if (f.code === 401 || f.code === 404) {
        throw new TgshError(ErrorCode.NOT_LOGGED_IN, `the Bot API refused the bot token (${f.code}: ${f.description})`, {
          failure: 'auth',
          hint: 'check --bot-token (TG_BOT_TOKEN): copy the token again from @BotFather',
        });
      }
      if (f.code === 429) throw floodFailure(f.retryAfter ?? 1, this.context(`resolving @${username} through the Bot API`, this.d.notice, username));
      // Not found by the Bot API says nothing of users and bots: only MTProto can look them up.
      throw new TgshError(
        ErrorCode.NOT_LOGGED_IN,
        `@${username} is not a public channel or group the Bot API knows (getChat: ${f.code} ${f.description}); users and bots are looked up over MTProto, which needs --api-id and --api-hash (tried: the peer store, then the Bot API)`,
        { failure: 'auth', hint: 'get the api id and hash from https://my.telegram.org (README: Getting credentials)' },
      );
    }
    return this.d.store.upsert(peerInputOfBotApiChat(chat), 'botapi');
  }

  // ---------------------------------------------------------------- login, logout

  async login(inputs: LoginInputs, notice: Notice, signal?: AbortSignal): Promise<PeerRecord> {
    const c = this.context('login', notice);
    const link = await this.link();
    const who = link.identity();
    if (who?.kind === 'user' && link.savedSession()) {
      notice(`tgsh: already logged in as ${describeIdentity(who)}; run 'logout' first to log in as another account`);
      return this.getSelf(notice, signal);
    }
    const { loginUser, pendingSlot } = await import('./login.js');
    const { peerInputOfUser } = await import('./tl-peers.js');
    try {
      const { identity, user } = await loginUser(link, inputs, pendingSlot(this.d.store.credentials, this.d.settings.sessionKey));
      notice(`tgsh: logged in as ${describeIdentity(identity)}`);
      const input = peerInputOfUser(user);
      if (!input) throw new TgshError(ErrorCode.SERVER, 'Telegram did not say who logged in');
      return this.d.store.upsert(input, 'mtproto');
    } catch (e) {
      throw this.fail(e, c);
    }
  }

  async logout(hasMtproto: boolean, notice: Notice): Promise<string | undefined> {
    const link = await this.link();
    const who = link.identity();
    const session = link.savedSession();
    await link.drop();
    const { logOutOnServer, pendingSlot } = await import('./login.js');
    if (session && hasMtproto) {
      try {
        await logOutOnServer(link, session);
      } catch (e) {
        const f = this.fail(e, this.context('logout', notice));
        if (f.failure !== 'auth') notice(`tgsh: the session could not be ended on the server (${f.message}); it is deleted here anyway`);
      }
    }
    await link.forget();
    await pendingSlot(this.d.store.credentials, this.d.settings.sessionKey).set(undefined);
    return who ? describeIdentity(who) : undefined;
  }
}

function waitNotice(e: MtprotoRpcError, c: FailureContext, maxWait: number): string {
  return `tgsh: Telegram asks to wait ${e.seconds} s (${e.errorMessage}, ${c.what}); waiting, then trying again (--max-wait ${maxWait})`;
}

/** A Bot API Chat (getChat's ChatFullInfo) as the store takes it. */
export function peerInputOfBotApiChat(chat: { id: number; type: string; title?: string; username?: string; active_usernames?: string[]; description?: string; first_name?: string; last_name?: string }): PeerInput {
  const { id } = splitBotApiChatId(chat.id);
  const kind = chat.type === 'supergroup' ? 'supergroup' : chat.type === 'channel' ? 'channel' : chat.type === 'group' ? 'chat' : 'user';
  const usernames = chat.active_usernames ?? (chat.username ? [chat.username] : []);
  const input: PeerInput = { kind, id, usernames };
  if (chat.title) input.title = chat.title;
  if (chat.first_name) input.firstName = chat.first_name;
  if (chat.last_name) input.lastName = chat.last_name;
  if (chat.description) input.bio = chat.description;
  return input;
}
