// The contract between the command language, the commands and the run modes.
// A command declares its arguments and returns a Result; it never writes to the terminal.

import type { PeerRef } from '../peers/ref.js';
import type { Result } from './result.js';
import type { Services } from '../session/services.js';
import type { Config } from '../cli/config.js';

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

export type ModifierName = 'offline' | 'html' | 'markdown' | 'disable_preview' | 'enable_preview' | 'reply' | 'x' | 'force';

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
  notice(text: string): void;
  /** Asks the person a question (interactive shell only; undefined elsewhere). */
  readonly ask?: (question: string, options?: { hidden?: boolean }) => Promise<string>;
  readonly signal: AbortSignal;
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
