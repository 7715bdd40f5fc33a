// A peer as the user typed it -> the chat a message goes to. Every peer form of the shell works:
// what the store knows is used as it is; a user id, `-id`, `-100id`, `user#N`, `chat#N` and
// `channel#N` the store has not met are sent to as ids (Telegram decides); an `@name` the store
// has not met is looked up: public channels and supergroups through the Bot API (getChat), users
// through the resolver (MTProto contacts.resolveUsername), which alone can find them. A mapping
// older than the username TTL is asked again when the resolver can.

import { type PeerRef, splitBotApiChatId } from '../../peers/ref.js';
import { placeholderPrintName } from '../../peers/print-name.js';
import { botApiChatIdOf, peerClassOf, type PeerClass, type PeerRecord } from '../../peers/types.js';
import type { PeerStore } from '../../store/peer-store.js';
import { TgshError } from '../../core/errors.js';
import { isChatAnswer, UnexpectedAnswer } from './answers.js';
import { explainCallError } from './explain.js';
import { BotApiCallError, callWithFloodWaits } from './flood.js';
import { peerInputOfChat } from './peer-input.js';
import type { BotSender } from './sender.js';
import type { ChatTarget } from './send.js';
import type { Resolver } from '../resolver/index.js';

export interface SendTarget {
  target: ChatTarget;
  /** The stored peer (or one built from a permanent id); undefined for an id the store never met. */
  peer?: PeerRecord;
  /** How the recipient is shown in answers. */
  name: string;
  isUser: boolean;
}

export type Notice = (text: string) => void;

export interface ResolveDeps {
  /** The resolver (MTProto), asked for only when an @name must be looked up. */
  resolver: (notice: Notice) => Promise<Resolver>;
  store: PeerStore;
  sender: BotSender;
  notice: Notice;
  signal?: AbortSignal;
}

function resolverFor(d: ResolveDeps): Promise<Resolver> {
  return d.resolver(d.notice);
}

export function displayNameOf(p: PeerRecord): string {
  if (p.title !== undefined && p.title !== '') return p.title;
  const name = [p.firstName, p.lastName].filter((s) => s !== undefined && s !== '').join(' ');
  return name || p.printName;
}

export function targetOfPeer(peer: PeerRecord): SendTarget {
  const isUser = peerClassOf(peer.kind) === 'user';
  return { target: { chatId: peer.botApiChatId ?? botApiChatIdOf(peer.kind, peer.id), cls: isUser ? 'private' : 'group' }, peer, name: displayNameOf(peer), isUser };
}

/** An id the store has not met: sent to as it is, with a bare record (no names yet) for the ledger. */
function targetOfId(cls: PeerClass, id: number): SendTarget {
  const kind = cls === 'user' ? 'user' : cls === 'chat' ? 'chat' : 'channel';
  const peer: PeerRecord = {
    kind,
    id,
    usernames: [],
    printName: placeholderPrintName(cls, id),
    botApiChatId: botApiChatIdOf(kind, id),
    sources: [],
    firstSeen: 0,
    lastSeen: 0,
  };
  return targetOfPeer(peer);
}

/**
 * The chat a peer reference names, its peer as the configured bot sees it (another bot's consent
 * left out). Throws TgshError (the FAIL to show) when there is none.
 */
export async function resolveSendTarget(ref: PeerRef, d: ResolveDeps): Promise<SendTarget> {
  const t = await findSendTarget(ref, d);
  return t.peer ? { ...t, peer: d.store.scoped(t.peer) } : t;
}

async function findSendTarget(ref: PeerRef, d: ResolveDeps): Promise<SendTarget> {
  const found = d.store.resolveRef(ref);
  if (!('error' in found)) {
    if (found.stale && ref.kind === 'username') return refreshStale(ref.username, found.peer, d);
    return targetOfPeer(found.peer);
  }
  switch (ref.kind) {
    case 'botapi': {
      const { type, id } = splitBotApiChatId(ref.chatId);
      return targetOfId(type, id);
    }
    case 'typed':
      if (ref.type !== 'encr_chat') return targetOfId(ref.type, ref.id);
      break;
    case 'username':
      return lookUpUsername(ref.username, d);
  }
  throw new TgshError(found.code, found.error, { hint: found.hint });
}

/** A username mapping older than the TTL: asked again when the resolver can, else used with a notice. */
async function refreshStale(name: string, stored: PeerRecord, d: ResolveDeps): Promise<SendTarget> {
  try {
    const resolver = await resolverFor(d);
    return targetOfPeer(await resolver.resolveUsername(name, { signal: d.signal }));
  } catch (e) {
    // No MTProto login, or a flood wait: the stored mapping is all there is. Other answers
    // (the name is gone, or taken by someone else) are the answer.
    if (!(e instanceof TgshError) || (e.failure !== 'auth' && e.failure !== 'flood')) throw e;
  }
  d.notice(`tgsh: @${name} -> ${stored.printName} was last confirmed more than ${d.store.settings.get('username_ttl_hours')} h ago; the username may have changed hands`);
  return targetOfPeer(stored);
}

async function lookUpUsername(name: string, d: ResolveDeps): Promise<SendTarget> {
  // Public channels and supergroups: the Bot API itself knows them by @username.
  const what = `looking up @${name}`;
  try {
    const chat: unknown = await callWithFloodWaits(() => d.sender.api.getChat(`@${name}`, d.signal as Parameters<typeof d.sender.api.getChat>[1]), {
      maxWaitSeconds: d.sender.maxWaitSeconds,
      signal: d.signal,
      secrets: d.sender.secrets,
    });
    if (!isChatAnswer(chat)) throw new UnexpectedAnswer('getChat');
    const c = chat as Parameters<typeof peerInputOfChat>[0];
    const input = peerInputOfChat(c);
    if (input && c.type !== 'private') return targetOfPeer(d.store.upsert(input, 'botapi'));
  } catch (e) {
    // 400 chat not found is the answer for users: go on to the resolver. Anything else is the answer.
    const f = e instanceof BotApiCallError ? e.failure : undefined;
    if (!f || f.kind === 'network' || (f.code !== 400 && f.code !== 403)) {
      const x = explainCallError(e, { apiRoot: d.sender.apiRoot, what, secrets: d.sender.secrets, maxWaitSeconds: d.sender.maxWaitSeconds });
      throw new TgshError(x.code, x.error, x);
    }
  }
  // Users: only MTProto finds them by name (the resolver says what it needs when it can not).
  const resolver = await resolverFor(d);
  return targetOfPeer(await resolver.resolveUsername(name, { signal: d.signal }));
}
