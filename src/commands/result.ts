// What commands return. One processor (the executor) carries results out and the formatters in
// src/output/ turn them into telegram-cli's text or JSON. A command never prints.

import type { ChatMember, PeerRecord } from '../peers/types.js';
import type { CommandSpec } from './types.js';
import type { MessageView } from '../output/message-line.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Why a failure should change the exit status of a script (see cli/exit-codes.ts). */
export type FailureClass = 'auth' | 'flood' | 'usage';

export interface FailResult {
  kind: 'fail';
  /** telegram-cli's code: 38 parse, 71 server refused, 22 bad argument, 2 no such file. */
  code: number;
  error: string;
  /** What to do next; shown after the error (text) or as `hint` (JSON). */
  hint?: string;
  /** Seconds Telegram asked us to wait (FLOOD_WAIT, 429). */
  retryAfter?: number;
  failure?: FailureClass;
  /** Extra machine-readable fields for JSON (e.g. `start_link`). */
  extra?: Record<string, JsonValue>;
}

export type Result =
  | { kind: 'success'; extra?: Record<string, JsonValue> }
  | FailResult
  /** One peer: `name` prints its display name (resolve_username), `info` telegram-cli's info block. */
  /** `members`: a basic group's, when chat_info asked Telegram. */
  | { kind: 'peer'; peer: PeerRecord; view: 'name' | 'info'; members?: ChatMember[] }
  /** A list of peers: contact_list or dialog_list forms. */
  | { kind: 'peers'; peers: PeerRecord[]; view: 'contacts' | 'dialogs' }
  | { kind: 'help'; commands: readonly CommandSpec[]; detail: boolean }
  /** Named values: `key: value` lines in text, one object in JSON. */
  | { kind: 'fields'; fields: Array<[string, JsonValue]> }
  /** Free text with an explicit JSON form (export to stdout, start links). */
  | { kind: 'text'; text: string; json: JsonValue }
  /** A message the bot sent: telegram-cli's outgoing line; JSON `{"result": "SUCCESS", "message_id", "chat_id"}`. */
  | { kind: 'sent'; message: MessageView; part?: number; parts?: number }
  | { kind: 'quit'; safe: boolean };

export type ResultKind = Result['kind'];

export function success(extra?: Record<string, JsonValue>): Result {
  return extra ? { kind: 'success', extra } : { kind: 'success' };
}

export function fail(code: number, error: string, more: Partial<Omit<FailResult, 'kind' | 'code' | 'error'>> = {}): FailResult {
  return { kind: 'fail', code, error, ...more };
}

/** telegram-cli's error codes. */
export const ErrorCode = {
  NO_SUCH_FILE: 2,
  BAD_ARGUMENT: 22,
  PARSE: 38,
  SERVER: 71,
  /** Not logged in / credentials missing or refused (telegram-cli had no code for this). */
  NOT_LOGGED_IN: 401,
  /** Waiting longer than allowed (FLOOD_WAIT, 429). */
  FLOOD: 420,
  /** A command failed inside tgsh (a bug); the message says what happened. */
  INTERNAL: 500,
} as const;
