// The shapes a broadcast is made of: its recipients as planned, their states as the journal knows
// them, and what the report shows. Shared by the planner, the journal, the scheduler and the report.

import type { ChatClass, ParseMode } from '../telegram/sender.js';

/**
 * Where a recipient stands. `pending`: not sent yet (or refused with a retry_after); `unknown`: a
 * request may have reached Telegram but its answer was never recorded (tgsh died, the network
 * dropped): it may or may not have the message, so it is not sent again unless asked.
 */
export type RecipientStatus = 'pending' | 'sent' | 'failed' | 'skipped' | 'unknown';

/** Why a recipient was not sent to: one of send.ts's SendReasons, or a local one. */
export type RecipientReason = string;

/** One recipient as decided before anything is sent (the journal's header keeps the list). */
export interface PlannedRecipient {
  /** As the user named it (`@alice`, `user#5`, a print name, a line of the --to file). */
  peer: string;
  /** Display name, when the store knows the peer. */
  name?: string;
  /** The Bot API chat id; absent when the peer could not be found. */
  chatId?: number;
  cls?: ChatClass;
  /** pending, or failed / skipped before sending (unknown peer, blocked, duplicate...). */
  status: 'pending' | 'failed' | 'skipped';
  reason?: RecipientReason;
  error?: string;
  /** The bot's start link, for users who have not started the bot. */
  startLink?: string;
}

/** A recipient's current state (planned state folded with the journal's records). */
export interface RecipientState {
  peer: string;
  name?: string;
  chatId?: number;
  cls?: ChatClass;
  status: RecipientStatus;
  messageId?: number;
  reason?: RecipientReason;
  error?: string;
  /** Telegram's error code for a refusal. */
  code?: number;
  startLink?: string;
}

/** The message and how it is sent: fixed when the broadcast starts, reused by --resume. */
export interface BroadcastMessage {
  text: string;
  parseMode?: ParseMode;
  disablePreview?: boolean;
}

export interface StatusCounts {
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  pending: number;
}

export function countStatuses(states: readonly RecipientState[]): StatusCounts {
  const c: StatusCounts = { total: states.length, sent: 0, failed: 0, skipped: 0, unknown: 0, pending: 0 };
  for (const s of states) c[s.status]++;
  return c;
}
