// Incoming events fanned out to whoever listens: the shell's transcript, each daemon connection
// that sent main_session, a `listen` command. A listener that throws is dropped, never the others.

import type { ConsentState, PeerRecord } from '../../peers/types.js';
import type { MessageView } from '../../peers/message.js';

/** An incoming message, as stored peers name it (the formatters make telegram-cli's line or JSON of it). */
export interface MessageEvent {
  event: 'message';
  view: MessageView;
  from: PeerRecord;
  to: PeerRecord;
  service: boolean;
  edited: boolean;
  /** The text without the `[edited]` mark the line shows. */
  text: string;
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

  /** Adds a listener; the function returned removes it. */
  subscribe(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get listening(): number {
    return this.listeners.size;
  }

  publish(e: TgshEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(e);
      } catch {
        this.listeners.delete(fn);
      }
    }
  }
}
