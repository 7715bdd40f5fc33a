// The command language: `modifier* command arg*`, parsed against a registry's argument specs.
// Pure: no I/O, no lookups beyond the optional `isKnownPeer` predicate (used only to tell a print
// name from text in repeated peer arguments). Every malformed line becomes one FAIL result.

import { isTgshFlag } from '../core/flags.js';
import { printable } from '../core/text.js';
import { Lexer, isLexError, type Token } from './lexer.js';
import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { FailResult, ArgSpec, ArgValue, CommandRegistry, CommandSpec, Modifiers, OptionSpec, ParsedArgs } from './types.js';
import { parsePeerRef, refClass, type PeerRef } from '../peers/ref.js';
import { suggest } from './suggest.js';
import { signature } from './signature.js';

export type ParseOutcome =
  | { kind: 'skip' }
  | { kind: 'command'; spec: CommandSpec; name: string; modifiers: Modifiers; input: ParsedArgs }
  | { kind: 'error'; result: FailResult };

export interface ParseOptions {
  /** True when a bare word names a known peer (a print name in the store). */
  isKnownPeer?: (token: string) => boolean;
}

/** The largest `[xN]`: enough for scripts, small enough that a typo cannot flood a chat. */
export const MAX_REPEAT = 100;

const parseError = (message: string, hint?: string): ParseOutcome => ({
  kind: 'error',
  result: fail(ErrorCode.PARSE, message, hint ? { hint } : {}),
});

/** True for lines that get no answer: blank lines and `#` comments. */
export function isSkippable(line: string): boolean {
  const t = line.trimStart();
  return t.length === 0 || t.startsWith('#');
}

export function parseLine(line: string, registry: CommandRegistry, options: ParseOptions = {}): ParseOutcome {
  if (isSkippable(line)) return { kind: 'skip' };
  const lx = new Lexer(line);

  const modifiers: Modifiers = {};
  let tok = lx.next();
  while (tok && !isLexError(tok) && !tok.quoted && tok.value.startsWith('[')) {
    const err = applyModifier(tok.value, modifiers);
    if (err) return parseError(err, 'modifiers: [offline] [html] [markdown] [disable_preview] [enable_preview] [reply=N] [xN] [force] [as=user|bot] [silent] [topic=N] [schedule=TIME]');
    tok = lx.next();
  }
  if (isLexError(tok)) return parseError(`can not parse line: ${tok.error}`);
  if (!tok) return parseError('can not parse line: a command must follow the modifiers');

  const name = tok.value;
  const spec = registry.find(name);
  if (!spec) {
    const near = suggest(name, registry.names());
    return parseError(`can not find command '${printable(name)}'`, near ? `did you mean '${near}'?` : "type 'help' for the list of commands");
  }
  const parsed = parseArgs(lx, spec, options);
  if ('error' in parsed) return { kind: 'error', result: parsed.error };
  return { kind: 'command', spec, name, modifiers, input: parsed };
}

function applyModifier(token: string, m: Modifiers): string | undefined {
  const inner = /^\[([^\]]*)\]$/.exec(token)?.[1];
  if (inner === undefined) return `can not parse modifier '${printable(token)}'`;
  switch (inner) {
    case 'offline':
      m.offline = true;
      return;
    case 'html':
      m.html = true;
      return;
    case 'markdown':
      m.markdown = true;
      return;
    case 'disable_preview':
      m.disablePreview = true;
      return;
    case 'enable_preview':
      m.enablePreview = true;
      return;
    case 'force':
    case 'refresh':
      m.force = true;
      return;
    case 'silent':
      m.silent = true;
      return;
    case 'as=user':
    case 'as=bot':
      m.as = inner === 'as=user' ? 'user' : 'bot';
      return;
  }
  if (inner.startsWith('as=')) return `[${printable(inner)}]: who acts is [as=user] or [as=bot]`;
  const topic = /^topic=(\d{1,15})$/.exec(inner);
  if (topic) {
    m.topic = Number(topic[1]);
    return;
  }
  const schedule = /^schedule=(.+)$/.exec(inner);
  if (schedule) {
    if (!isScheduleTime(schedule[1])) return `[schedule=${printable(schedule[1])}]: give a time as +30m, +2h, +1d, HH:MM, YYYY-MM-DDTHH:MM or unix seconds`;
    m.schedule = schedule[1];
    return;
  }
  const reply = /^reply=(\d{1,15})$/.exec(inner);
  if (reply) {
    m.reply = Number(reply[1]);
    return;
  }
  const numbered = /^(topic|reply)=(.*)$/.exec(inner);
  if (numbered) return `[${numbered[1]}=${printable(numbered[2])}]: give ${numbered[1] === 'topic' ? "the topic's id" : 'the id of the message to answer'}, a whole number (as [${numbered[1]}=42])`;
  const times = /^x(\d{1,6})$/.exec(inner);
  if (times) {
    const n = Number(times[1]);
    if (n < 1 || n > MAX_REPEAT) return `[x${times[1]}]: the repeat count must be 1 to ${MAX_REPEAT}`;
    m.times = n;
    return;
  }
  return `unknown modifier '${printable(token)}'`;
}

function parseArgs(lx: Lexer, spec: CommandSpec, options: ParseOptions): ParsedArgs | { error: FailResult } {
  const out: ParsedArgs = { args: {}, options: {} };
  const usage = `usage: ${signature(spec)}`;
  const err = (message: string): { error: FailResult } => ({ error: fail(ErrorCode.PARSE, message, { hint: usage }) });
  let k = 0; // position of the argument being read, as telegram-cli counts (from 1)

  for (let i = 0; i < spec.args.length; i++) {
    const arg = spec.args[i];
    const optErr = readOptions(lx, spec, out, arg.kind === 'string_end');
    if (optErr) return err(optErr);

    if (arg.kind === 'string_end') {
      const text = lx.rest();
      k++;
      if (text === undefined) {
        if (!arg.optional) return err(`can not parse arg #${k}: missing <${arg.name}>`);
        if (arg.default !== undefined) out.args[arg.name] = arg.default;
        continue;
      }
      out.args[arg.name] = text;
      continue;
    }

    const laterRequired = spec.args.slice(i + 1).filter((a) => !a.optional).length;
    if (arg.repeat) {
      const values: Array<PeerRef | number | string> = [];
      for (;;) {
        const t = lx.peek();
        if (t === undefined) break;
        if (isLexError(t)) return err(`can not parse arg #${k + 1}: ${t.error}`);
        if (values.length > 0 || arg.optional) {
          // Stop where the rest of the line is needed by later arguments, or at a word that is
          // not clearly of this kind (the text of `broadcast @a @b text`).
          if (!isStrong(arg, t, options)) break;
          if (laterRequired > 0 && !lx.hasMoreTokensThan(laterRequired)) break;
        }
        lx.next();
        k++;
        const v = convert(arg, t);
        if (typeof v === 'object' && v !== null && 'error' in v) return err(`can not parse arg #${k}: ${v.error}`);
        values.push(v);
        const optErr2 = readOptions(lx, spec, out, false);
        if (optErr2) return err(optErr2);
      }
      if (values.length === 0 && !arg.optional) return err(`can not parse arg #${k + 1}: missing <${arg.name}>`);
      out.args[arg.name] = values as ArgValue;
      continue;
    }

    const t = lx.next();
    if (isLexError(t)) return err(`can not parse arg #${k + 1}: ${t.error}`);
    if (t === undefined) {
      if (!arg.optional) return err(`can not parse arg #${k + 1}: missing <${arg.name}>`);
      if (arg.default !== undefined) out.args[arg.name] = arg.default;
      continue;
    }
    k++;
    const v = convert(arg, t);
    if (typeof v === 'object' && v !== null && 'error' in v) return err(`can not parse arg #${k}: ${v.error}`);
    out.args[arg.name] = v;
  }

  const optErr = readOptions(lx, spec, out, false);
  if (optErr) return err(optErr);
  const extra = lx.next();
  if (extra !== undefined) {
    if (isLexError(extra)) return err(`can not parse line: ${extra.error}`);
    return err(`too many args #${k + 1}`);
  }
  return out;
}

/** Reads `--name [value]` options at the cursor. Unknown `--words` are text where text is due. */
function readOptions(lx: Lexer, spec: CommandSpec, out: ParsedArgs, textIsDue: boolean): string | undefined {
  for (;;) {
    const t = lx.peek();
    if (!t || isLexError(t) || t.quoted || !t.value.startsWith('--')) return;
    if (t.value === '--') {
      lx.next();
      return; // `--` ends options: what follows is arguments even if it starts with --
    }
    const eq = t.value.indexOf('=');
    const optName = t.value.slice(2, eq < 0 ? undefined : eq);
    const opt = spec.options?.find((o) => o.name === optName);
    if (!opt) {
      if (textIsDue) return;
      const known = (spec.options ?? []).map((o) => `--${o.name}`).join(' ');
      const flag = isTgshFlag(optName) ? `; --${optName} is a flag of tgsh itself, given when it starts: tgsh --${optName} ... -e '${spec.name} ...'` : '';
      return `unknown option '${printable(t.value)}' for ${spec.name}${known ? ` (it takes ${known})` : ' (it takes no options)'}${flag}`;
    }
    lx.next();
    if (!opt.value) {
      if (eq >= 0) return `option --${opt.name} takes no value`;
      out.options[opt.name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = t.value.slice(eq + 1);
    else {
      const v = lx.next();
      if (!v || isLexError(v)) return `option --${opt.name} needs a ${optionValueName(opt)}`;
      raw = v.value;
    }
    if (opt.value === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) return `option --${opt.name} needs a number, not '${printable(raw)}'`;
      out.options[opt.name] = Number(raw);
    } else out.options[opt.name] = raw;
  }
}

function optionValueName(opt: OptionSpec): string {
  return opt.value === 'file_name' ? 'file name' : (opt.value ?? 'value');
}

function isStrong(arg: ArgSpec, t: Token, options: ParseOptions): boolean {
  switch (arg.kind) {
    case 'number':
      return /^-?\d+$/.test(t.value);
    case 'peer':
    case 'user':
    case 'chat':
    case 'channel': {
      const r = parsePeerRef(t.value);
      if (!r.ok) return false;
      if (r.ref.kind === 'print_name') return options.isKnownPeer?.(t.value) ?? false;
      return true;
    }
    default:
      return true;
  }
}

function convert(arg: ArgSpec, t: Token): PeerRef | number | string | { error: string } {
  switch (arg.kind) {
    case 'number': {
      if (!/^-?\d+$/.test(t.value)) return { error: `'${printable(t.value)}' is not a number` };
      const n = Number(t.value);
      if (!Number.isSafeInteger(n)) return { error: `${t.value} is out of range` };
      return n;
    }
    case 'peer':
    case 'user':
    case 'chat':
    case 'channel': {
      const r = parsePeerRef(t.value);
      if (!r.ok) return { error: r.error };
      if (arg.kind !== 'peer') {
        const cls = refClass(r.ref);
        if (cls !== undefined && cls !== arg.kind) return { error: `'${printable(t.value)}' is a ${cls}, not a ${arg.kind}` };
      }
      return r.ref;
    }
    default:
      return t.value;
  }
}

/** The forms `[schedule=TIME]` takes (commands/schedule.ts turns them into a date). */
export function isScheduleTime(t: string): boolean {
  return /^\+\d{1,6}[smhd]$/.test(t) || /^\d{1,2}:\d{2}$/.test(t) || /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2})?$/.test(t) || /^\d{9,11}$/.test(t);
}
