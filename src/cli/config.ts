// Settings as flags, then environment, then the profile's stored settings (read lazily by the
// services that need them, so start-up never loads conf). CliOptions + env in, Config out; pure
// but for one read: a --world file is read here, so that a missing one is a usage error at start
// (checkWorld checks its fields).

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Secret } from '../core/secret.js';
import type { Config, DaemonConfig, Endpoint } from '../core/config.js';
import type { CliOptions } from './args.js';
import { isObject, readJsonFile } from '../core/json.js';

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

const PROFILE_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
export const DEFAULT_MAX_WAIT = 10;

export function defaultConfigDir(env: NodeJS.ProcessEnv): string {
  if (env.TGSH_HOME) return resolve(env.TGSH_HOME);
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(homedir(), '.config');
  return join(base, 'tgsh');
}

export function parseEndpoint(text: string): Endpoint | undefined {
  const m = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}

/** The flags that point tgsh at a Telegram; --sandbox brings its own, so they cannot go with it. */
const TELEGRAM_FLAGS: Array<[keyof CliOptions, string]> = [
  ['botToken', '--bot-token'],
  ['apiId', '--api-id'],
  ['apiHash', '--api-hash'],
  ['dc', '--dc'],
  ['rsaKey', '--rsa-key'],
  ['botApiRoot', '--bot-api-root'],
];

const SECONDS = /^\d+(\.\d+)?$/;

export function resolveConfig(cli: CliOptions, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): ConfigResult {
  /** A flag's value, else the environment variable's; `from` names whichever gave it, for errors. */
  const pick = (flag: string | undefined, flagName: string, name: string): { value: string; from: string } | undefined => {
    if (flag !== undefined) return { value: flag, from: flagName };
    const v = env[name];
    return v === undefined || v === '' ? undefined : { value: v, from: name };
  };
  const sandbox = cli.sandbox || cli.world !== undefined;
  const profileGiven = pick(cli.profile, '--profile', 'TGSH_PROFILE');
  const profile = profileGiven?.value ?? (sandbox ? 'sandbox' : 'default');
  if (!PROFILE_RE.test(profile)) return { ok: false, error: `${profileGiven?.from ?? '--profile'}: bad profile name '${profile.slice(0, 64)}' (letters, digits, _ . - only)` };
  const configDir = cli.configDir ? resolve(cli.configDir) : defaultConfigDir(env);

  const maxWaitText = pick(cli.maxWait, '--max-wait', 'TGSH_MAX_WAIT');
  let maxWaitSeconds = DEFAULT_MAX_WAIT;
  if (maxWaitText !== undefined) {
    const { value, from } = maxWaitText;
    if (/^-\d+(\.\d+)?$/.test(value)) return { ok: false, error: `${from}: must be 0 or more seconds (0 never waits)` };
    if (!SECONDS.test(value)) return { ok: false, error: `${from}: must be a number of seconds (0 never waits), not '${value.slice(0, 32)}'` };
    maxWaitSeconds = Number(value);
  }
  const timeout = (name: string): number | string | undefined => {
    const v = pick(undefined, name, name);
    if (v === undefined) return undefined;
    if (!SECONDS.test(v.value) || Number(v.value) <= 0) return `${name}: must be a number of seconds above 0, not '${v.value.slice(0, 32)}'`;
    return Number(v.value);
  };
  const botApiTimeoutSeconds = timeout('TGSH_BOT_API_TIMEOUT');
  if (typeof botApiTimeoutSeconds === 'string') return { ok: false, error: botApiTimeoutSeconds };
  const mtprotoTimeoutSeconds = timeout('TGSH_MTPROTO_TIMEOUT');
  if (typeof mtprotoTimeoutSeconds === 'string') return { ok: false, error: mtprotoTimeoutSeconds };

  const storeGiven = pick(cli.store, '--store', 'TGSH_STORE');
  if (storeGiven && !/^(conf|json|sqlite|postgres(ql)?:\/\/.+)$/i.test(storeGiven.value.trim())) {
    return { ok: false, error: `${storeGiven.from}: must be conf, sqlite or a postgres:// URL` };
  }

  const daemon = daemonConfig(cli);
  if (typeof daemon === 'string') return { ok: false, error: daemon };

  const asText = pick(cli.as, '--as', 'TGSH_AS');
  if (asText !== undefined && asText.value !== 'user' && asText.value !== 'bot') return { ok: false, error: `${asText.from}: must be 'user' or 'bot', not '${asText.value.slice(0, 32)}'` };
  const downloadDir = pick(cli.downloadDir, '--download-dir', 'TGSH_DOWNLOAD_DIR');
  const password = env.TG_PASSWORD;
  const noColor = cli.noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const common = {
    profile,
    configDir,
    profileDir: join(configDir, 'profiles', profile),
    json: cli.json,
    color: stdoutIsTTY && !noColor && !cli.json,
    quiet: cli.quiet,
    waitDialogs: cli.waitDialogs,
    maxWaitSeconds,
    store: storeGiven?.value.trim(),
    botApiTimeoutSeconds,
    mtprotoTimeoutSeconds,
    phone: pick(cli.phone, '--phone', 'TG_PHONE')?.value,
    code: pick(cli.code, '--code', 'TG_CODE')?.value,
    password: password ? new Secret(password) : undefined,
    passwordFile: cli.passwordFile,
    daemon,
    noDaemon: cli.noDaemon || undefined,
    as: asText?.value as 'user' | 'bot' | undefined,
    msgIds: cli.msgIds,
    downloadDir: downloadDir ? resolve(downloadDir.value) : undefined,
  };

  if (sandbox) {
    // The sandbox is its own Telegram: flags pointing at another one are a mistake worth saying;
    // the same settings in the environment (TG_BOT_TOKEN, ...) are simply not used.
    const given = TELEGRAM_FLAGS.filter(([k]) => cli[k] !== undefined).map(([, f]) => f);
    if (given.length > 0) {
      const by = cli.sandbox ? '--sandbox' : '--world';
      const what = cli.sandbox ? '--sandbox brings' : '--world runs the sandbox, which brings';
      return {
        ok: false,
        error: `${what} its own Telegram on 127.0.0.1, and ${given.join(', ')} point${given.length === 1 ? 's' : ''} elsewhere: leave ${given.length === 1 ? 'it' : 'them'} out, or leave out ${by}`,
      };
    }
    if (cli.world !== undefined) {
      // Read now, so that a missing or broken file is a usage error before anything runs (the
      // fields are checked by checkWorld, which loads the validator).
      const problem = worldFileProblem(cli.world);
      if (problem) return { ok: false, error: problem };
    }
    return { ok: true, config: { ...common, sandbox: true, worldFile: cli.world } };
  }

  const apiIdText = pick(cli.apiId, '--api-id', 'TG_API_ID');
  let apiId: number | undefined;
  if (apiIdText !== undefined) {
    if (!/^\d{1,12}$/.test(apiIdText.value)) return { ok: false, error: `${apiIdText.from}: must be a number (the api_id from my.telegram.org)` };
    apiId = Number(apiIdText.value);
  }
  const dcText = pick(cli.dc, '--dc', 'TG_DC');
  let dc: Endpoint | undefined;
  if (dcText !== undefined) {
    dc = parseEndpoint(dcText.value);
    if (!dc) return { ok: false, error: `${dcText.from}: must be HOST:PORT, not '${dcText.value.slice(0, 64)}'` };
  }
  const botApiRoot = pick(cli.botApiRoot, '--bot-api-root', 'TG_BOT_API_ROOT');
  if (botApiRoot !== undefined && !/^https?:\/\/[^\s]+$/.test(botApiRoot.value)) {
    return { ok: false, error: `${botApiRoot.from}: must be an http:// or https:// URL` };
  }
  const token = pick(cli.botToken, '--bot-token', 'TG_BOT_TOKEN')?.value;
  const apiHash = pick(cli.apiHash, '--api-hash', 'TG_API_HASH')?.value;
  const rsaKey = pick(cli.rsaKey, '--rsa-key', 'TG_RSA_KEY');

  return {
    ok: true,
    config: {
      ...common,
      sandbox: false,
      botToken: token !== undefined ? new Secret(token) : undefined,
      apiId,
      apiHash: apiHash !== undefined ? new Secret(apiHash) : undefined,
      dc,
      rsaKeyFile: rsaKey?.value,
      rsaKeyFrom: rsaKey?.from,
      botApiRoot: botApiRoot?.value.replace(/\/+$/, ''),
    },
  };
}

/** A unix socket's path must fit sockaddr_un (108 bytes with its NUL on Linux). */
export const MAX_SOCKET_PATH = 107;

/** -P, -S, -d, -L and --accept-any-tcp as the daemon's settings; a usage error as a string; undefined when none is given. */
function daemonConfig(cli: CliOptions): DaemonConfig | undefined | string {
  const serving = cli.tcpPort !== undefined || cli.unixSocket !== undefined || cli.daemonize;
  if (!serving) {
    if (cli.logFile !== undefined) return '-L logs the socket daemon: give it with -P, -S or -d';
    if (cli.acceptAnyTcp) return '--accept-any-tcp goes with -P PORT';
    return undefined;
  }
  let tcpPort: number | undefined;
  if (cli.tcpPort !== undefined) {
    if (!/^\d{1,5}$/.test(cli.tcpPort) || Number(cli.tcpPort) > 65535) return `-P: must be a TCP port (0 to 65535; 0 picks a free one), not '${cli.tcpPort.slice(0, 32)}'`;
    tcpPort = Number(cli.tcpPort);
  } else if (cli.acceptAnyTcp) return '--accept-any-tcp goes with -P PORT';
  let unixSocket: string | undefined;
  if (cli.unixSocket !== undefined) {
    if (cli.unixSocket === '') return '-S needs a path';
    unixSocket = resolve(cli.unixSocket);
    if (Buffer.byteLength(unixSocket) > MAX_SOCKET_PATH) return `-S ${cli.unixSocket.slice(0, 64)}: the path is too long for a unix socket (${MAX_SOCKET_PATH} bytes at most): use a shorter one`;
  }
  if (cli.daemonize && cli.exec.length > 0) return '-d reads no commands of its own: leave out -e (send them to the socket)';
  return { tcpPort, anyInterface: cli.acceptAnyTcp, unixSocket, detached: cli.daemonize, logFile: cli.logFile !== undefined ? resolve(cli.logFile) : undefined };
}

/** A --world file that cannot be read or is not a JSON object, in one line; undefined otherwise. Cheap: no validator. */
function worldFileProblem(path: string): string | undefined {
  const read = readJsonFile(path);
  if (!read.ok) return `--world ${path}: ${read.problem}`;
  return isObject(read.value) ? undefined : `--world ${path}: not a valid sandbox world: (top level): must be a JSON object`;
}

/**
 * The whole check of a --world file (every field), for start-up: the usage error, or undefined
 * when there is no world file or it is good. Loads the validator only when there is a file.
 */
export async function checkWorld(config: Pick<Config, 'worldFile'>): Promise<string | undefined> {
  if (config.worldFile === undefined) return undefined;
  const { checkWorldFile } = await import('../sandbox/world-file.js');
  const check = checkWorldFile(config.worldFile);
  return check.ok ? undefined : check.error;
}
