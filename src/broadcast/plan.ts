// Who a broadcast goes to, decided before anything is sent. Each peer is turned into a chat the way
// msg does it (resolveSendTarget: the store, ids as they are, unknown @names through the Bot API
// or the resolver) and judged by msg's consent gate: blocked or /stop users are skipped unless
// [force]; users who never started the bot are tried under consent_policy open (Telegram refuses,
// the failure carries the start link) and skipped with the start link under strict. A chat named
// twice gets the message once.

import type { PeerRef } from '../peers/ref.js';
import type { PeerRecord } from '../peers/types.js';
import type { PeerStore } from '../store/peer-store.js';
import { consentGate, type ConsentPolicy } from '../telegram/botapi/consent.js';
import { explainLocalRefusal } from '../telegram/botapi/explain.js';
import type { SendTarget } from '../telegram/botapi/target.js';
import type { PlannedRecipient } from './types.js';

/** A peer as the user named it. */
export interface RecipientInput {
  ref: PeerRef;
  /** How it is shown in the report (the typed text, or the file line). */
  label: string;
}

export interface PlanOptions {
  force: boolean;
  policy: ConsentPolicy;
  /** The chat a reference names (msg's resolveSendTarget); throws a TgshError when there is none. */
  target(ref: PeerRef): Promise<SendTarget>;
  /** The bot's start link when it can be known. */
  startLink?: string;
  apiRoot: string;
  maxWaitSeconds: number;
  /** Told once per recipient looked up over the network (slow: the resolver's own pace). */
  onLookup?(label: string): void;
}

export interface Plan {
  recipients: PlannedRecipient[];
  /** The peer behind each recipient when known (for what its outcome teaches the store). */
  peers: Array<PeerRecord | undefined>;
}

/** Every user who started the bot and has neither blocked it nor sent /stop, by print name. */
export function consentedInputs(store: PeerStore): RecipientInput[] {
  return store
    .contacts()
    .filter((p) => p.kind === 'user' && p.consent?.state === 'started')
    .map((p) => ({ ref: { kind: 'typed', type: 'user', id: p.id, raw: `user#${p.id}` }, label: p.usernames[0] ? `@${p.usernames[0]}` : p.printName }));
}

export async function planRecipients(inputs: readonly RecipientInput[], o: PlanOptions): Promise<Plan> {
  const plan: Plan = { recipients: [], peers: [] };
  const byChat = new Map<number | string, string>();
  for (const input of inputs) {
    let t: SendTarget;
    try {
      t = await o.target(input.ref);
    } catch (e) {
      plan.recipients.push({ peer: input.label, status: 'failed', reason: 'unknown_peer', error: e instanceof Error ? e.message : String(e) });
      plan.peers.push(undefined);
      continue;
    }
    plan.peers.push(t.peer);
    const chatId = Number(t.target.chatId);
    const base = { peer: input.label, name: t.name, chatId, cls: t.target.cls };
    const first = byChat.get(chatId);
    if (first !== undefined) {
      plan.recipients.push({ ...base, status: 'skipped', reason: 'duplicate', error: `the same chat as ${first}: it gets the message once` });
      continue;
    }
    byChat.set(chatId, input.label);
    const refusal = consentGate(t.peer, o.policy, o.force);
    if (!refusal) {
      plan.recipients.push({ ...base, status: 'pending' });
      continue;
    }
    const x = explainLocalRefusal(refusal, { name: t.name, isUser: t.isUser, startLink: o.startLink, apiRoot: o.apiRoot, maxWaitSeconds: o.maxWaitSeconds, when: t.peer?.consent?.at });
    plan.recipients.push({ ...base, status: 'skipped', reason: refusal, error: x.error, ...(refusal === 'not_started' && o.startLink ? { startLink: o.startLink } : {}) });
  }
  return plan;
}
