// A logged-in user account over the run's one MTProto link: who it is, its peers as input peers,
// and each call with FLOOD_WAIT sat out within --max-wait (a notice each time) and every failure
// explained. The commands' user-account work (send, history, dialogs, files...) builds on this.
// Imports GramJS (through the link's Api): load it with a dynamic import().

import { ErrorCode, TgshError } from '../../core/errors.js';
import { displayName } from '../../peers/display-name.js';
import type { PeerRecord } from '../../peers/types.js';
import type { PeerStore } from '../../store/peer-store.js';
import { describeIdentity } from '../../store/identity.js';
import { Api } from '../mtproto/index.js';
import type { MtprotoLink } from '../mtproto/link.js';
import { abortable, sleep } from '../resolver/budget.js';
import { isFloodWait } from '../resolver/failures.js';
import type { TelegramSettings } from '../settings.js';
import { learnPeers, storedPeer } from './convert.js';
import { userFailure, type UserFailureContext } from './failures.js';
import { returnBigInt } from 'telegram/Helpers.js';

export type Notice = (text: string) => void;

export interface UserAccountDeps {
  link: () => Promise<MtprotoLink>;
  store: PeerStore;
  settings: TelegramSettings;
  /** --max-wait: the longest FLOOD_WAIT sat out, in seconds (all waits of one call together). */
  maxWaitSeconds: number;
}

export interface CallOptions {
  notice: Notice;
  signal?: AbortSignal;
  /** Who the call is about (for the words of a refusal). */
  peer?: PeerRecord;
}

const long = (x: number | string | bigint): ReturnType<typeof returnBigInt> => returnBigInt(String(x));

/** The input peer of a stored peer (users and channels need their access hash). */
export function inputPeerOf(p: PeerRecord, selfId?: number): Api.TypeInputPeer {
  if (p.id === selfId && p.kind !== 'chat' && p.kind !== 'channel' && p.kind !== 'supergroup') return new Api.InputPeerSelf();
  switch (p.kind) {
    case 'chat':
      return new Api.InputPeerChat({ chatId: long(p.id) });
    case 'channel':
    case 'supergroup':
      return new Api.InputPeerChannel({ channelId: long(p.id), accessHash: long(p.accessHash ?? '0') });
    default:
      return new Api.InputPeerUser({ userId: long(p.id), accessHash: long(p.accessHash ?? '0') });
  }
}

export function inputChannelOf(p: PeerRecord): Api.InputChannel {
  return new Api.InputChannel({ channelId: long(p.id), accessHash: long(p.accessHash ?? '0') });
}

export function isChannel(p: PeerRecord): boolean {
  return p.kind === 'channel' || p.kind === 'supergroup';
}

export { long };

export class UserAccount {
  private lastLink: MtprotoLink | undefined;

  constructor(readonly d: UserAccountDeps) {}

  /** The logged-in user's id, once a call has opened the link as the user. */
  get selfId(): number | undefined {
    const who = this.lastLink?.identity();
    return who?.kind === 'user' ? who.id : undefined;
  }

  selfRecord(): PeerRecord | undefined {
    const id = this.selfId;
    return id === undefined ? undefined : storedPeer(this.d.store, 'user', id);
  }

  get store(): PeerStore {
    return this.d.store;
  }

  /** The link, logged in as a user; an exit-4 failure when it is a bot's or nobody's. */
  async link(what: string): Promise<MtprotoLink> {
    const link = await this.d.link();
    const who = link.identity();
    if (who?.kind === 'user' && link.savedSession()) {
      this.lastLink = link;
      return link;
    }
    const bot = who?.kind === 'bot' ? ` (the saved MTProto session is the bot's, ${describeIdentity(who)})` : '';
    throw new TgshError(ErrorCode.NOT_LOGGED_IN, `${what} as the user needs a user login${bot}`, {
      failure: 'auth',
      hint: "log in as a user with 'login' (--phone and --code in scripts), or act as the bot with [as=bot] / --as bot",
    });
  }

  /** The logged-in user's stored record. */
  self(link: MtprotoLink): PeerRecord {
    const who = link.identity()!;
    return storedPeer(this.d.store, 'user', who.id);
  }

  context(what: string, peer?: PeerRecord): UserFailureContext {
    const dc = this.d.settings.dc;
    return {
      what,
      server: dc ? `${dc.host}:${dc.port}` : 'Telegram',
      customServer: dc !== undefined,
      maxWaitSeconds: this.d.maxWaitSeconds,
      peerName: peer ? displayName(peer) : undefined,
    };
  }

  /**
   * One request on the user's link. FLOOD_WAIT_X is sat out when all waits of this call fit in
   * --max-wait (with a notice), else it fails at once (exit 5). The users and chats of the answer
   * are stored.
   */
  async call<R extends Api.AnyRequest>(what: string, request: R, o: CallOptions): Promise<R['__response']> {
    const link = await this.link(what);
    const c = this.context(what, o.peer);
    let waited = 0;
    for (;;) {
      try {
        const answer = await abortable(link.invoke(request), o.signal);
        if (answer && typeof answer === 'object' && ('users' in answer || 'chats' in answer)) learnPeers(this.d.store, answer as { users?: unknown[]; chats?: unknown[] });
        return answer;
      } catch (e) {
        if (!isFloodWait(e) || this.d.maxWaitSeconds <= 0 || waited + e.seconds! > this.d.maxWaitSeconds) throw userFailure(e, c);
        o.notice(`tgsh: Telegram asks to wait ${e.seconds} s (${e.errorMessage}, ${what}); waiting, then trying again (--max-wait ${this.d.maxWaitSeconds})`);
        try {
          await sleep(e.seconds! * 1000, o.signal);
        } catch (abort) {
          throw userFailure(abort, c);
        }
        waited += e.seconds!;
      }
    }
  }
}
