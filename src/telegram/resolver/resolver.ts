// The resolver: the peer store first, then MTProto (contacts.resolveUsername and the full-info
// lookups), then, only without MTProto credentials, the Bot API's getChat. Everything learned goes
// into the store.
//
// This module is the light front: a name the store knows is answered here without loading the
// network half (online.ts), GramJS, or even the waiting and failure machinery.

import { ErrorCode, TgshError } from '../../core/errors.js';
import { type PeerRef, splitBotApiChatId } from '../../peers/ref.js';
import { peerClassOf, type PeerClass, type PeerRecord } from '../../peers/types.js';
import { missingSettings, requireSettings, type TelegramSettings } from '../settings.js';
import type { PeerStore } from '../../store/peer-store.js';
import type { Online, OnlineDeps } from './online.js';
import type { Learned } from './lookups.js';
import type { MtprotoLink } from '../mtproto/link.js';
import { checkedUsername } from './username.js';
import type { ChatInfo, LoginInputs, LookupOptions, Notice, ResolveOptions, Resolver } from './types.js';

type Lookups = typeof import('./lookups.js');

export type ResolverDeps = OnlineDeps;

/** The resolver of one run: `d.notice` takes what no call asked for (the connection's own events). */
export function createResolver(d: ResolverDeps): Resolver {
  return new TgshResolver(d);
}

function ago(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${Math.max(1, Math.round(h))} h` : `${Math.round(h / 24)} days`;
}

export class TgshResolver implements Resolver {
  private onlinePromise: Promise<Online> | undefined;
  private readonly store: PeerStore;
  private readonly settings: TelegramSettings;

  constructor(private readonly d: ResolverDeps) {
    this.store = d.store;
    this.settings = d.settings;
  }

  get hasMtproto(): boolean {
    return missingSettings(this.settings, 'mtproto').length === 0;
  }

  private online(): Promise<Online> {
    this.onlinePromise ??= import('./online.js').then(({ Online }) => new Online(this.d));
    return this.onlinePromise;
  }

  /**
   * Runs one public call with its own notice, passed down to everything it does: two clients of one
   * process (daemon connections) never see each other's notices.
   */
  private with<T>(notice: Notice | undefined, fn: (notice: Notice) => Promise<T>): Promise<T> {
    return fn(notice ?? this.d.notice);
  }

  // ---------------------------------------------------------------- resolve_username

  resolveUsername(name: string, opts: ResolveOptions = {}): Promise<PeerRecord> {
    return this.with(opts.notice, async (notice) => {
      const username = checkedUsername(name);
      if (!opts.force || opts.offline) {
        const stored = this.store.byUsername(username);
        if (stored && !this.store.isUsernameStale(stored)) return stored;
        if (stored && (opts.offline || !this.hasMtproto)) {
          this.warnStale(username, stored, notice);
          return stored;
        }
        if (!stored && opts.offline) {
          throw new TgshError(ErrorCode.BAD_ARGUMENT, `unknown username '@${username}' ([offline]: only the peer store was asked)`, {
            hint: `run 'resolve_username ${username}' without [offline] to ask Telegram`,
          });
        }
      }
      if (this.hasMtproto) return (await this.online()).resolveUsername(username, notice, opts.signal);
      if (this.settings.botToken) return (await this.online()).resolveByBotApi(username, opts.signal);
      const why = opts.force ? '[force]: the peer store was not asked' : 'the peer store does not know it';
      throw new TgshError(ErrorCode.NOT_LOGGED_IN, `resolving @${username} needs ${missingSettings(this.settings, 'mtproto').join(' and ')} (or, for public channels and groups only, --bot-token (TG_BOT_TOKEN)); ${why}`, {
        failure: 'auth',
        hint: 'the api id and hash come from https://my.telegram.org, a bot token from @BotFather; or try the offline sandbox with --sandbox',
      });
    });
  }

  private warnStale(username: string, p: PeerRecord, notice: Notice): void {
    const when = p.usernamesCheckedAt !== undefined ? `last confirmed ${ago(Date.now() - p.usernamesCheckedAt)} ago` : 'never confirmed';
    notice(`tgsh: @${username} -> ${p.printName} is ${when}; the username may have changed hands`);
  }

  // ---------------------------------------------------------------- *_info, get_self

  /**
   * The peer a reference names, with an access hash when it can have one: `@name` through
   * resolveUsername, everything else from the store (a $permanent id carries its own hash).
   */
  private async peerFor(ref: PeerRef, want: PeerClass, notice: Notice, signal?: AbortSignal): Promise<PeerRecord> {
    let peer: PeerRecord;
    if (ref.kind === 'username') peer = await this.resolveUsername(ref.username, { signal, notice });
    else {
      const r = this.store.resolveRef(ref, { want });
      if ('error' in r) {
        // An id the store never met is still worth asking Telegram about.
        if (ref.kind === 'typed' || ref.kind === 'botapi') peer = this.bare(ref, want);
        else throw new TgshError(r.code, r.error, { hint: r.hint });
      } else peer = r.peer;
    }
    const cls = peerClassOf(peer.kind);
    if (cls !== want) throw new TgshError(ErrorCode.BAD_ARGUMENT, `'${ref.raw}' is a ${cls}, not a ${want}`, { hint: `use ${cls}_info for it` });
    // A peer met through the Bot API has no access hash: its username gives one.
    if (!peer.accessHash && peer.kind !== 'chat' && peer.usernames[0] && ref.kind !== 'username') {
      peer = await this.resolveUsername(peer.usernames[0], { force: true, signal, notice });
    }
    return peer;
  }

  private bare(ref: PeerRef & { kind: 'typed' | 'botapi' }, want: PeerClass): PeerRecord {
    const { type, id } = ref.kind === 'typed' ? { type: ref.type, id: ref.id } : splitBotApiChatId(ref.chatId);
    if (type !== want) throw new TgshError(ErrorCode.BAD_ARGUMENT, `'${ref.raw}' is a ${type}, not a ${want}`, { hint: `use ${type}_info for it` });
    const kind = type === 'user' ? 'user' : type === 'chat' ? 'chat' : 'channel';
    return { kind, id, usernames: [], printName: `${type}#${id}`, sources: [], firstSeen: 0, lastSeen: 0 };
  }

  private info(ref: PeerRef, want: PeerClass, opts: LookupOptions, call: (lookups: Lookups, link: MtprotoLink, peer: PeerRecord) => Promise<Learned>): Promise<ChatInfo> {
    return this.with(opts.notice, async (notice) => {
      requireSettings(this.settings, 'mtproto', `${want}_info`);
      const peer = await this.peerFor(ref, want, notice, opts.signal);
      return (await this.online()).info(`${want}_info ${ref.raw}`, notice, opts.signal, (lookups, link) => call(lookups, link, peer));
    });
  }

  async userInfo(ref: PeerRef, opts: LookupOptions = {}): Promise<PeerRecord> {
    return (await this.info(ref, 'user', opts, (l, link, p) => l.getFullUser(link, p))).peer;
  }

  async channelInfo(ref: PeerRef, opts: LookupOptions = {}): Promise<PeerRecord> {
    return (await this.info(ref, 'channel', opts, (l, link, p) => l.getFullChannel(link, p))).peer;
  }

  chatInfo(ref: PeerRef, opts: LookupOptions = {}): Promise<ChatInfo> {
    return this.info(ref, 'chat', opts, (l, link, p) => l.getFullChat(link, p));
  }

  getSelf(opts: LookupOptions = {}): Promise<PeerRecord> {
    return this.with(opts.notice, async (notice) => {
      requireSettings(this.settings, 'mtproto', 'get_self');
      return (await this.online()).getSelf(notice, opts.signal);
    });
  }

  // ---------------------------------------------------------------- login, logout

  login(inputs: LoginInputs): Promise<PeerRecord> {
    return this.with(inputs.notice, async (notice) => {
      requireSettings(this.settings, 'mtproto', 'login');
      return (await this.online()).login(inputs, notice, inputs.signal);
    });
  }

  logout(opts: LookupOptions = {}): Promise<string | undefined> {
    return this.with(opts.notice, async (notice) => (await this.online()).logout(this.hasMtproto, notice));
  }
}
