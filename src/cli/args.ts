// Command-line flags, telegram-cli's where it had them (-e -W -C -R -D -p -b -k --json), parsed
// with node:util parseArgs (no start-up cost). Pure: argv in, options or a usage error out.

import { parseArgs } from 'node:util';
import { OPTIONS } from '../core/flags.js';

export interface CliOptions {
  exec: string[];
  json: boolean;
  noColor: boolean;
  plain: boolean;
  quiet: boolean;
  waitDialogs: boolean;
  profile?: string;
  configDir?: string;
  botToken?: string;
  apiId?: string;
  apiHash?: string;
  dc?: string;
  rsaKey?: string;
  botApiRoot?: string;
  sandbox: boolean;
  world?: string;
  maxWait?: string;
  /** --store conf|sqlite|postgres://... */
  store?: string;
  phone?: string;
  code?: string;
  passwordFile?: string;
  /** -P PORT. */
  tcpPort?: string;
  /** -S PATH. */
  unixSocket?: string;
  /** -d. */
  daemonize: boolean;
  /** -L FILE. */
  logFile?: string;
  acceptAnyTcp: boolean;
  noDaemon: boolean;
  as?: string;
  msgIds: boolean;
  downloadDir?: string;
  help: boolean;
  version: boolean;
  /** Words after the flags: a subcommand such as `sandbox serve`. */
  positionals: string[];
}



/** telegram-cli flags tgsh does not have (yet), with what to use instead. */
const NOT_YET: Record<string, string> = {
  '-s': 'Lua scripts are not supported; pipe commands into tgsh instead',
};

export type CliParse = { ok: true; options: CliOptions } | { ok: false; error: string };

type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * node:util parseArgs with tgsh's messages: `--max-wait -1` reads as a value (parseArgs would call
 * it ambiguous), and its errors are one short line that never echoes a token.
 */
/** parseFlags' answer: what parseArgs parsed, or its error in one line. */
export type FlagParse<O extends FlagSpec> =
  | { ok: true; parsed: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> }
  | { ok: false; error: string };

export function parseFlags<O extends FlagSpec>(argv: readonly string[], options: O): FlagParse<O> {
  const args: string[] = [];
  const valued = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    valued.add(`--${name}`);
    if (o.short) valued.add(`-${o.short}`);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    // A negative number after an option that takes a value is that value, not an option.
    if (valued.has(a) && next !== undefined && /^-\d/.test(next)) {
      args.push(a.startsWith('--') ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else args.push(a);
  }
  try {
    return { ok: true as const, parsed: parseArgs({ args, options, allowPositionals: true, strict: true }) };
  } catch (e) {
    return { ok: false as const, error: cleanParseError((e as Error).message) };
  }
}

export function parseCli(argv: readonly string[]): CliParse {
  for (const a of argv) {
    if (a === '--') break;
    const flag = a.split('=')[0];
    if (NOT_YET[flag]) return { ok: false, error: `${flag}: ${NOT_YET[flag]}` };
  }
  const r = parseFlags(argv, OPTIONS);
  if (!r.ok) return r;
  const parsed = r.parsed;
  if (parsed.positionals[0] === 'sandbox' || parsed.positionals[0] === 'completion') {
    if (parsed.positionals[0] === 'completion') return { ok: false, error: "'completion' comes first, before any option: tgsh completion bash|zsh|fish" };
    return { ok: false, error: "'sandbox' comes first, before any option: tgsh sandbox serve [--world FILE] [--state-out FILE] ..." };
  }
  const v = parsed.values;
  return {
    ok: true,
    options: {
      exec: v.exec ?? [],
      json: v.json ?? false,
      noColor: v['disable-colors'] ?? false,
      plain: v['disable-readline'] ?? false,
      quiet: v['disable-output'] ?? false,
      waitDialogs: v['wait-dialog-list'] ?? false,
      profile: v.profile,
      configDir: v['config-dir'],
      botToken: v['bot-token'] ?? v.bot,
      apiId: v['api-id'],
      apiHash: v['api-hash'],
      dc: v.dc,
      rsaKey: v['rsa-key'],
      botApiRoot: v['bot-api-root'],
      sandbox: v.sandbox ?? false,
      world: v.world,
      maxWait: v['max-wait'],
      store: v.store,
      phone: v.phone,
      code: v.code,
      passwordFile: v['password-file'],
      tcpPort: v['tcp-port'],
      unixSocket: v['unix-socket'],
      daemonize: v.daemonize ?? false,
      logFile: v.logfile,
      acceptAnyTcp: v['accept-any-tcp'] ?? false,
      noDaemon: v['no-daemon'] ?? false,
      as: v.as,
      msgIds: v['enable-msg-id'] ?? false,
      downloadDir: v['download-dir'],
      help: v.help ?? false,
      version: v.version ?? false,
      positionals: parsed.positionals,
    },
  };
}

function cleanParseError(message: string): string {
  const first = message.split('\n')[0];
  // parseArgs quotes the offending value; a bot token passed by mistake must not be echoed back.
  const safe = (t: string): string => (/\d+:[A-Za-z0-9_-]{8,}/.test(t) ? '***' : t.slice(0, 64));
  let m = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument is ambiguous/.exec(first);
  if (m) return `${m[1]} needs a value (for a value that starts with '-', write ${m[1]}=VALUE)`;
  m = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument missing/.exec(first);
  if (m) return `${m[1]} needs a value`;
  m = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(first);
  if (m) return `${m[1]} takes no value`;
  m = /^Unknown option '([^']*)'/.exec(first);
  if (m) return `unknown option '${safe(m[1])}'`;
  return first.replace(/'[^']*'/g, (q) => `'${safe(q.slice(1, -1))}'`).replace(/\. To specify.*$/, '');
}

export const USAGE = `usage: tgsh [options] [-e COMMANDS]...
       tgsh [options] -P PORT | -S PATH | -d [-L FILE]
       tgsh sandbox serve [--world FILE] [--dc-port N] [--bot-api-port N] [--state-out FILE]
       tgsh completion bash|zsh|fish

tgsh is a terminal shell for Telegram that speaks telegram-cli's command language.
It opens an interactive shell on a terminal, reads commands line by line from a pipe,
or runs the commands given with -e and exits. Type 'help' inside for the commands.

Modes and output:
  -e, --exec CMDS          run these commands (several -e, or lines in one), then exit
  -R, --disable-readline   read plain lines from stdin even on a terminal (no shell)
  --json                   answers as JSON, one value per line
  -C, --disable-colors     no colours (also NO_COLOR=1)
  -D, --disable-output     no banner and no incoming messages; answers still print
  -W, --wait-dialog-list   sync peers from the bot's updates before running -e commands

Socket daemon (telegram-cli's protocol: a line in, 'ANSWER <n>' and the answer out):
  -P, --tcp-port PORT      serve commands on 127.0.0.1:PORT (0: any free port, named on start)
  --accept-any-tcp         ...on every interface: anyone who can reach it controls the account
  -S, --unix-socket PATH   serve commands on a unix socket (mode 0600)
  -d, --daemonize          no terminal, stdin not read; status only to -L; stays in the foreground
  -L, --logfile FILE       the daemon's status log (mode 0600)
  --no-daemon              run -e and piped lines here, even when a daemon serves the profile
                           (by default they are handed to it)

Profile:
  -p, --profile NAME       separate peer store, history and sessions (default: default)
  --config-dir DIR         where profiles live (env TGSH_HOME; default ~/.config/tgsh)
  --store conf|sqlite|URL  where the profile keeps its peers (env TGSH_STORE; remembered; default conf)

Telegram (flags override the environment, which overrides what the profile has saved):
  -b, --bot-token TOKEN    the bot's token from @BotFather (env TG_BOT_TOKEN; also --bot=TOKEN)
  --api-id N, --api-hash H MTProto app credentials from my.telegram.org (env TG_API_ID, TG_API_HASH)
  --dc HOST:PORT           another MTProto server (env TG_DC)
  -k, --rsa-key FILE       that server's public key, PEM (env TG_RSA_KEY)
  --bot-api-root URL       another Bot API server (env TG_BOT_API_ROOT)
  --max-wait SECONDS       longest flood wait to sit out (env TGSH_MAX_WAIT; default 10; 0 never waits)
  --phone, --code          user-account login in scripts (env TG_PHONE, TG_CODE)
  --password-file FILE     2FA password for user login in scripts (env TG_PASSWORD)
  --as user|bot            who sends and reads (env TGSH_AS; default the bot when a token is set, else
                           a logged-in user); [as=user] / [as=bot] before a command chooses for one line
  -N, --enable-msg-id      show message ids in message lines
  --download-dir DIR       where load_photo/load_document/load_file save (env TGSH_DOWNLOAD_DIR)
  To keep the bot token, api id and hash (and --dc, --rsa-key, --bot-api-root) in the profile:
    tgsh --bot-token TOKEN --api-id N --api-hash HASH -e 'settings --save-credentials'

Sandbox (an offline Telegram on 127.0.0.1; nothing leaves this machine):
  --sandbox                run against the built-in world (profile 'sandbox'); it brings its own
                           Telegram, so the Telegram flags above cannot go with it (TG_* variables
                           are simply not used)
  --world FILE             ...or against the world in FILE (implies --sandbox; a bad file is a
                           usage error at start)

  -h, --help               this text
  -V, --version            the version

Exit status (pipe and -e): 0 every command succeeded, 1 a command failed, 2 bad usage,
4 not logged in or credentials refused, 5 stopped on a flood wait longer than --max-wait,
130 interrupted.
`;
