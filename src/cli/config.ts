// Settings as flags, then environment, then the profile's stored settings (read lazily by the
// services that need them, so start-up never loads conf). Pure: CliOptions + env in, Config out.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Secret } from '../util/secret.js';
import type { CliOptions } from './args.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Config {
  profile: string;
  /** Where all profiles live. */
  configDir: string;
  /** This profile's folder: peer store, settings, credentials, history. */
  profileDir: string;
  json: boolean;
  color: boolean;
  /** -D: no banner, no incoming events. */
  quiet: boolean;
  /** -W: sync before -e commands. */
  waitDialogs: boolean;
  sandbox: boolean;
  worldFile?: string;
  /** The shell prints the sandbox banner itself at start; others get it as a notice. */
  sandboxBanner?: boolean;
  /** Longest flood wait to sit out, in seconds (0: never wait). */
  maxWaitSeconds: number;
  /** Bot API request timeout in seconds (env TGSH_BOT_API_TIMEOUT; default 30). */
  botApiTimeoutSeconds?: number;
  /** Bound on every MTProto call and on connecting, in seconds (env TGSH_MTPROTO_TIMEOUT; default 10). */
  mtprotoTimeoutSeconds?: number;
  botToken?: Secret;
  apiId?: number;
  apiHash?: Secret;
  dc?: Endpoint;
  rsaKeyFile?: string;
  /** The RSA key itself when it came from the sandbox rather than a file. */
  rsaKeyPem?: string;
  botApiRoot?: string;
  phone?: string;
  code?: string;
  password?: Secret;
  passwordFile?: string;
}

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
  return { host: m[1]!, port };
}

export function resolveConfig(cli: CliOptions, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): ConfigResult {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    if (flag !== undefined) return flag;
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const profile = cli.profile ?? env.TGSH_PROFILE ?? (cli.sandbox ? 'sandbox' : 'default');
  if (!PROFILE_RE.test(profile)) return { ok: false, error: `bad profile name '${profile.slice(0, 64)}': letters, digits, _ . - only` };
  const configDir = cli.configDir ? resolve(cli.configDir) : defaultConfigDir(env);

  const apiIdText = pick(cli.apiId, 'TG_API_ID');
  let apiId: number | undefined;
  if (apiIdText !== undefined) {
    if (!/^\d{1,12}$/.test(apiIdText)) return { ok: false, error: '--api-id (TG_API_ID) must be a number' };
    apiId = Number(apiIdText);
  }
  const dcText = pick(cli.dc, 'TG_DC');
  let dc: Endpoint | undefined;
  if (dcText !== undefined) {
    dc = parseEndpoint(dcText);
    if (!dc) return { ok: false, error: `--dc (TG_DC) must be HOST:PORT, not '${dcText.slice(0, 64)}'` };
  }
  const botApiRoot = pick(cli.botApiRoot, 'TG_BOT_API_ROOT');
  if (botApiRoot !== undefined && !/^https?:\/\/[^\s]+$/.test(botApiRoot)) {
    return { ok: false, error: '--bot-api-root (TG_BOT_API_ROOT) must be an http:// or https:// URL' };
  }
  const maxWaitText = pick(cli.maxWait, 'TGSH_MAX_WAIT');
  let maxWaitSeconds = DEFAULT_MAX_WAIT;
  if (maxWaitText !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(maxWaitText)) return { ok: false, error: '--max-wait must be a number of seconds (0 never waits)' };
    maxWaitSeconds = Number(maxWaitText);
  }
  const timeoutText = pick(undefined, 'TGSH_BOT_API_TIMEOUT');
  let botApiTimeoutSeconds: number | undefined;
  if (timeoutText !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(timeoutText) || Number(timeoutText) <= 0) return { ok: false, error: 'TGSH_BOT_API_TIMEOUT must be a number of seconds above 0' };
    botApiTimeoutSeconds = Number(timeoutText);
  }
  const mtTimeoutText = pick(undefined, 'TGSH_MTPROTO_TIMEOUT');
  let mtprotoTimeoutSeconds: number | undefined;
  if (mtTimeoutText !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(mtTimeoutText) || Number(mtTimeoutText) <= 0) return { ok: false, error: 'TGSH_MTPROTO_TIMEOUT must be a number of seconds above 0' };
    mtprotoTimeoutSeconds = Number(mtTimeoutText);
  }
  const token = pick(cli.botToken, 'TG_BOT_TOKEN');
  const apiHash = pick(cli.apiHash, 'TG_API_HASH');
  const password = env.TG_PASSWORD;
  const noColor = cli.noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';

  return {
    ok: true,
    config: {
      profile,
      configDir,
      profileDir: join(configDir, 'profiles', profile),
      json: cli.json,
      color: stdoutIsTTY && !noColor && !cli.json,
      quiet: cli.quiet,
      waitDialogs: cli.waitDialogs,
      sandbox: cli.sandbox || cli.world !== undefined,
      worldFile: cli.world,
      maxWaitSeconds,
      botApiTimeoutSeconds,
      mtprotoTimeoutSeconds,
      botToken: token !== undefined ? new Secret(token) : undefined,
      apiId,
      apiHash: apiHash !== undefined ? new Secret(apiHash) : undefined,
      dc,
      rsaKeyFile: pick(cli.rsaKey, 'TG_RSA_KEY'),
      botApiRoot: botApiRoot?.replace(/\/+$/, ''),
      phone: pick(cli.phone, 'TG_PHONE'),
      code: pick(cli.code, 'TG_CODE'),
      password: password ? new Secret(password) : undefined,
      passwordFile: cli.passwordFile,
    },
  };
}
