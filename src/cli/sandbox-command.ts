// `tgsh sandbox serve [--world FILE] [--dc-port N] [--bot-api-port N] [--state-out FILE]`:
// the offline Telegram in the foreground, for other processes. Prints one JSON object (dc,
// rsa_key_pem, bot_api_root, bot_token, api_id, api_hash) and serves until Ctrl-C or SIGTERM.
// Everything the user gave is checked before the servers start: a bad flag, world file or
// --state-out path is one line and exit status 2, with nothing left running.

import { renameSync, rmSync, statSync, writeFileSync, accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { toJson } from '../output/json.js';
import { ExitCode } from '../core/exit-codes.js';
import { parseFlags } from './args.js';

const SANDBOX_USAGE = `usage: tgsh sandbox serve [--world FILE] [--dc-port N] [--bot-api-port N] [--state-out FILE]

Runs the offline Telegram (an MTProto data centre and a Bot API server on 127.0.0.1) until
Ctrl-C or SIGTERM. Prints how to reach it as one JSON object, also written to --state-out:
  {"dc": "127.0.0.1:PORT", "rsa_key_pem": "...", "bot_api_root": "http://127.0.0.1:PORT",
   "bot_token": "...", "api_id": N, "api_hash": "..."}
Point tgsh at it with --dc, --rsa-key, --bot-api-root, --bot-token, --api-id and --api-hash.
`;

const OPTIONS = {
  world: { type: 'string' },
  'dc-port': { type: 'string' },
  'bot-api-port': { type: 'string' },
  'state-out': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function port(text: string | undefined, flag: string): number | string {
  if (text === undefined) return 0;
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : `${flag}: must be a port number (0-65535; 0 picks a free one), not '${text.slice(0, 32)}'`;
}

function usage(prefix: string, message: string): number {
  process.stderr.write(`${prefix}: ${message}\nTry 'tgsh sandbox --help'.\n`);
  return ExitCode.USAGE;
}

/** Why `path` cannot be written (its folder missing or not writable, or a folder itself); undefined when it can. */
function stateOutProblem(path: string): string | undefined {
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `no folder ${dir}` : code === 'ENOTDIR' ? `${dir} is not a folder` : `cannot write in ${dir} (${code ?? 'unwritable'})`;
  }
  try {
    if (statSync(path).isDirectory()) return 'it is a folder';
  } catch {
    // not there yet: written at start
  }
  return undefined;
}

/** Written whole or not at all (temp file + rename): a script waiting for the file never reads half of it. */
function writeState(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function sandboxCommand(argv: string[]): Promise<number> {
  const r = parseFlags(argv, OPTIONS);
  const prefix = (r.ok ? r.parsed.positionals[0] : argv[0]) === 'serve' ? 'tgsh sandbox serve' : 'tgsh sandbox';
  if (!r.ok) return usage(prefix, r.error);
  const v = r.parsed.values;
  if (v.help) {
    process.stdout.write(SANDBOX_USAGE);
    return ExitCode.OK;
  }
  const positionals = r.parsed.positionals;
  if (positionals.length === 0) return usage(prefix, 'expected a subcommand: serve');
  if (positionals[0] !== 'serve') return usage(prefix, `unknown subcommand '${positionals[0].slice(0, 64)}' (expected 'serve')`);
  if (positionals.length > 1) return usage(prefix, `unexpected argument '${positionals[1].slice(0, 64)}'`);
  const dcPort = port(v['dc-port'], '--dc-port');
  if (typeof dcPort === 'string') return usage(prefix, dcPort);
  const botApiPort = port(v['bot-api-port'], '--bot-api-port');
  if (typeof botApiPort === 'string') return usage(prefix, botApiPort);
  const stateOut = v['state-out'];
  if (stateOut !== undefined) {
    const problem = stateOut === '' ? 'needs a file name' : stateOutProblem(stateOut);
    if (problem) return usage(prefix, `--state-out ${stateOut}: ${problem}`);
  }
  if (v.world !== undefined) {
    const { checkWorldFile } = await import('../sandbox/world-file.js');
    const check = checkWorldFile(v.world);
    if (!check.ok) return usage(prefix, check.error);
  }

  const { startSandbox, SANDBOX_BANNER } = await import('../sandbox/sandbox.js');
  let sandbox;
  try {
    sandbox = await startSandbox({ worldFile: v.world, dcPort, botApiPort });
  } catch (e) {
    // A port in use, most likely.
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`${prefix}: cannot start: ${err.code === 'EADDRINUSE' ? 'a port is already in use (--dc-port, --bot-api-port)' : err.message}\n`);
    return ExitCode.FAILED;
  }
  const state = toJson({ ...sandbox.connection });
  if (stateOut !== undefined) {
    try {
      writeState(stateOut, state + '\n');
    } catch (e) {
      await sandbox.close();
      process.stderr.write(`${prefix}: cannot write --state-out ${stateOut} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); stopped\n`);
      return ExitCode.FAILED;
    }
  }
  process.stdout.write(state + '\n');
  process.stderr.write(`${SANDBOX_BANNER}\nserving until Ctrl-C (or SIGTERM)\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return ExitCode.OK;
}
