// Incoming events fanned out to whoever listens: the shell's transcript, each daemon connection
// that sent main_session, a `listen` command. A listener that throws is dropped, never the others.
// A message both the bot and the logged-in user received is published once (both-ends.ts).

import type { ConsentState, PeerRecord } from '../../peers/types.js';
import type { MessageView } from '../../peers/message.js';
import { BothEnds } from './both-ends.js';

/** An incoming message, as stored peers name it (the formatters make telegram-cli's line or JSON of it). */
export interface MessageEvent {
  event: 'message';
  view: MessageView;
  from: PeerRecord;
  to: PeerRecord;
  service: boolean;
  edited: boolean;
  /** The text without the marks the line shows (`[edited]`, `[to the bot]`). */
  text: string;
  /** Who received it: the bot (its updates) or the logged-in user (MTProto); absent: not said. */
  via?: 'bot' | 'user';
}

/** A user started, stopped or blocked the bot (learned from its updates; the consent ledger has it already). */
export interface ConsentEvent {
  event: 'consent';
  peer: PeerRecord;
  state: Exclude<ConsentState, 'unknown'>;
  /** Unix seconds. */
  date: number;
}

export type TgshEvent = MessageEvent | ConsentEvent;

export type EventListener = (e: TgshEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private readonly bothEnds = new BothEnds();

  /** Adds a listener; the function returned removes it. */
  subscribe(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get listening(): number {
    return this.listeners.size;
  }

  publish(e: TgshEvent): void {
    if (e.event === 'message' && this.bothEnds.isSecondCopy(e)) return;
    for (const fn of [...this.listeners]) {
      try {
        fn(e);
      } catch {
        this.listeners.delete(fn);
      }
    }
  }
}
