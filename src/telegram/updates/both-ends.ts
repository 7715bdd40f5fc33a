// One message seen from both ends. With the bot and a logged-in user live in one process, a message
// both receive reaches the EventHub twice: a private message between the user and the bot (the
// user's side has it as its own, sent from another device; the bot's as incoming), or a group
// message both are in. Such a pair is one message: the first copy is shown, the other end's dropped.
// Copies pair one to one and only across the two ends, so that two messages alike (the same sender,
// chat, second and text) are still two lines.

import { peerClassOf, type PeerRecord } from '../../peers/types.js';

/** Copies waiting for their other end; the oldest are forgotten first. */
const PENDING_MAX = 2000;

type End = 'bot' | 'user';

/** What of a MessageEvent (hub.ts) tells its copies apart. */
export interface MessageCopy {
  /** The end that received it; a copy of no known end is never paired. */
  via?: End;
  from: PeerRecord;
  to: PeerRecord;
  view: { date: number };
  edited: boolean;
  text: string;
}

const peerKey = (p: PeerRecord): string => `${peerClassOf(p.kind)}#${p.id}`;

/** What both ends' copies of one message share (message ids differ: each end numbers its own box). */
function messageKey(e: MessageCopy): string {
  return `${peerKey(e.from)}>${peerKey(e.to)}|${e.view.date}|${e.edited ? 'edit' : 'new'}|${e.text}`;
}

export class BothEnds {
  private readonly pending = new Map<string, { end: End; count: number }>();

  /** True when the event is the other end's copy of a message already shown (drop it). */
  isSecondCopy(e: MessageCopy): boolean {
    if (e.via === undefined) return false;
    const key = messageKey(e);
    const p = this.pending.get(key);
    if (p && p.end !== e.via) {
      if (--p.count === 0) this.pending.delete(key);
      return true;
    }
    if (p) p.count++;
    else {
      this.pending.set(key, { end: e.via, count: 1 });
      if (this.pending.size > PENDING_MAX) this.pending.delete(this.pending.keys().next().value!);
    }
    return false;
  }
}
