// The contract between the command language, the commands and the run modes.
// A command declares its arguments and returns a Result; it never writes to the terminal.

import type { FailureClass } from '../core/errors.js';
import type { ProgressSink, TerminalFacts } from '../core/io.js';
import type { JsonValue } from '../core/json.js';
import type { MessageView } from '../peers/message.js';
import type { PeerRef } from '../peers/ref.js';
import type { ChatMember, PeerRecord } from '../peers/types.js';
import type { Services } from '../session/services.js';
import type { Config } from '../core/config.js';
import type { TgshEvent } from '../telegram/updates/hub.js';
import type { ChatMessage, DialogEntry } from '../telegram/user/types.js';

/** Argument kinds of telegram-cli's grammar, plus `username` (a bare, @ or t.me name). */
export type ArgKind = 'peer' | 'user' | 'chat' | 'channel' | 'number' | 'string' | 'string_end' | 'file_name' | 'username';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  /** `[arg]` in help; the value is undefined when absent. */
  optional?: boolean;
  /** `<arg>+`: one or more (with optional: zero or more); the value is an array. */
  repeat?: boolean;
  /** Default shown in help (`[limit=100]`) and used when absent. */
  default?: number | string;
}

export interface OptionSpec {
  /** Long name without dashes: `inactive-days` is typed `--inactive-days`. */
  name: string;
  /** The kind of value it takes; a flag (no value) when absent. */
  value?: 'number' | 'string' | 'file_name';
  description: string;
}

export type ModifierName = 'offline' | 'html' | 'markdown' | 'disable_preview' | 'enable_preview' | 'reply' | 'x' | 'force' | 'as' | 'silent' | 'topic' | 'schedule';

/** Modifiers typed before the command (`[offline] [reply=12] msg ...`), reset each line. */
export interface Modifiers {
  offline?: boolean;
  html?: boolean;
  markdown?: boolean;
  disablePreview?: boolean;
  enablePreview?: boolean;
  reply?: number;
  /** `[xN]`: run the command N times. */
  times?: number;
  /** `[force]`: skip caches and local refusals where a command allows it. */
  force?: boolean;
  /** `[as=user]` / `[as=bot]`: who acts for this line. */
  as?: 'user' | 'bot';
  /** `[silent]`: delivered without a notification. */
  silent?: boolean;
  /** `[topic=N]`: a forum topic of a supergroup. */
  topic?: number;
  /** `[schedule=TIME]` as typed (commands/schedule.ts reads it): a user account's scheduled message. */
  schedule?: string;
}

export type ArgValue = PeerRef | PeerRef[] | number | number[] | string | string[] | undefined;

export interface ParsedArgs {
  /** Positional arguments by ArgSpec name. */
  args: Record<string, ArgValue>;
  /** `--name value` options by name; flags are `true`. */
  options: Record<string, string | number | true>;
}

export type RunMode = 'interactive' | 'pipe' | 'exec' | 'daemon';

/** What a running command may use. Built once per line by the executor. */
export interface CommandContext {
  readonly config: Config;
  readonly modifiers: Modifiers;
  readonly mode: RunMode;
  readonly services: Services;
  readonly registry: CommandRegistry;
  /** A status line for the person (stderr, or the shell's transcript); never an answer. */
  readonly notice: (text: string) => void;
  /** Asks the person a question (interactive shell only; undefined elsewhere). */
  readonly ask?: (question: string, options?: { hidden?: boolean }) => Promise<string>;
  readonly signal: AbortSignal;
  /** The terminal this client's answers go to (not a TTY for pipes, sockets and tests). */
  readonly terminal: TerminalFacts;
  /** Where progress may be drawn in place; absent when it may not (the shell, a socket, a pipe's stderr). */
  readonly progress?: ProgressSink;
  /** Writes one answer now, before the command returns (for a command that streams, such as listen). */
  readonly emit?: (result: Result) => void;
  /** Aborted when this client's input has ended (stdin, or a socket's half-close); `listen` stops then. */
  readonly inputEnded?: AbortSignal;
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  args: ArgSpec[];
  options?: OptionSpec[];
  /** One line for `help`. */
  summary: string;
  /** Longer help for `help <command>`. */
  help?: string;
  /** Groups `help` output and the README reference. */
  group: 'shell' | 'peers' | 'lookup' | 'messages' | 'account' | 'store';
  run(ctx: CommandContext, input: ParsedArgs): Promise<Result | Result[]> | Result | Result[];
}

export interface CommandRegistry {
  /** Every command, in help order. */
  all(): readonly CommandSpec[];
  /** By name or alias. */
  find(name: string): CommandSpec | undefined;
  /** Every name and alias (for completion and suggestions). */
  names(): readonly string[];
}

// What a command returns. One processor (the executor) carries results out and the formatters in
// src/output/ turn them into telegram-cli's text or JSON. A command never prints.

export interface FailResult {
  kind: 'fail';
  /** telegram-cli's code (core/errors.ts ErrorCode): 38 parse, 71 server refused, 22 bad argument, 2 no such file. */
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
  /** A message the bot sent: telegram-cli's outgoing line; JSON `{"result": "SUCCESS", "message_id", "chat_id", "id"}` (id: the permanent message id). */
  | { kind: 'sent'; message: MessageView; part?: number; parts?: number }
  | { kind: 'quit'; safe: boolean }
  /** An incoming event (listen streams them): telegram-cli's message line, or its JSON object. */
  | { kind: 'event'; event: TgshEvent }
  /** A user account's messages: one (a send: JSON object) or a list (history, search: JSON array); `showIds`: -N. */
  | { kind: 'messages'; messages: ChatMessage[]; list: boolean; showIds: boolean }
  /** A user account's dialogs (messages.getDialogs) with their unread counts. */
  | { kind: 'dialogs'; dialogs: DialogEntry[] };

export type ResultKind = Result['kind'];
