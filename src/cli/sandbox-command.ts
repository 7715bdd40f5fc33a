// `tgsh sandbox serve [--world FILE] [--dc-port N] [--bot-api-port N] [--state-out FILE]`:
// the offline Telegram in the foreground, for other processes. Prints one JSON object (dc,
// rsa_key_pem, bot_api_root, bot_token, api_id, api_hash) and serves until Ctrl-C or SIGTERM.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toJson } from '../output/json.js';
import { ExitCode } from './exit-codes.js';

const SANDBOX_USAGE = `usage: tgsh sandbox serve [--world FILE] [--dc-port N] [--bot-api-port N] [--state-out FILE]

Runs the offline Telegram (an MTProto data centre and a Bot API server on 127.0.0.1) until
Ctrl-C or SIGTERM. Prints how to reach it as one JSON object, also written to --state-out:
  {"dc": "127.0.0.1:PORT", "rsa_key_pem": "...", "bot_api_root": "http://127.0.0.1:PORT",
   "bot_token": "...", "api_id": N, "api_hash": "..."}
Point tgsh at it with --dc, --rsa-key, --bot-api-root, --bot-token, --api-id and --api-hash.
`;

function port(text: string | undefined, flag: string): number | string {
  if (text === undefined) return 0;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : `${flag} must be a port number (0-65535)`;
}

export async function sandboxCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        world: { type: 'string' },
        'dc-port': { type: 'string' },
        'bot-api-port': { type: 'string' },
        'state-out': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`tgsh sandbox: ${(e as Error).message}\n${SANDBOX_USAGE}`);
    return ExitCode.USAGE;
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(SANDBOX_USAGE);
    return ExitCode.OK;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'serve') {
    process.stderr.write(`tgsh sandbox: expected 'serve'\n${SANDBOX_USAGE}`);
    return ExitCode.USAGE;
  }
  const dcPort = port(v['dc-port'], '--dc-port');
  const botApiPort = port(v['bot-api-port'], '--bot-api-port');
  for (const p of [dcPort, botApiPort]) {
    if (typeof p === 'string') {
      process.stderr.write(`tgsh sandbox: ${p}\n`);
      return ExitCode.USAGE;
    }
  }

  const { startSandbox, SANDBOX_BANNER } = await import('../sandbox/sandbox.js');
  let sandbox;
  try {
    sandbox = await startSandbox({ worldFile: v.world, dcPort: dcPort as number, botApiPort: botApiPort as number });
  } catch (e) {
    process.stderr.write(`tgsh sandbox: ${(e as Error).message}\n`);
    return ExitCode.FAILED;
  }
  const state = toJson({ ...sandbox.connection });
  if (v['state-out']) writeFileSync(v['state-out'], state + '\n', { mode: 0o600 });
  process.stdout.write(state + '\n');
  process.stderr.write(`${SANDBOX_BANNER}\nserving until Ctrl-C (or SIGTERM)\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return ExitCode.OK;
}
