// Where tgsh reaches Telegram: flags and environment first, then what the profile has saved
// (`settings --save-credentials`), or the offline sandbox. Outside the interactive shell tgsh never
// falls back to the sandbox on its own: a command that needs Telegram with nothing configured
// fails, naming the missing settings.

import { existsSync, readFileSync } from 'node:fs';
import type { Config, Endpoint } from '../cli/config.js';
import { ErrorCode } from '../commands/result.js';
import { TgshError } from '../util/errors.js';
import { Secret } from '../util/secret.js';
import { profilePaths, type ProfilePaths } from './paths.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { TELEGRAM_BOT_API_ROOT } from '../telegram/botapi/api.js';

export interface TelegramSettings {
  botToken?: Secret;
  apiId?: number;
  apiHash?: Secret;
  /** Another MTProto server; undefined means Telegram's own data centres. */
  dc?: Endpoint;
  /** The PEM public key to trust for `dc` (from --rsa-key, or the sandbox's own). */
  rsaKeyPem?: string;
  botApiRoot: string;
  /** Under which key MTProto sessions are saved in credentials; undefined: never saved (a sandbox that dies with this process). */
  sessionKey?: string;
  /** The in-process sandbox, when tgsh runs on one. */
  sandbox?: Sandbox;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where to reach Telegram, as saved in the profile; each part only when saved. */
export interface SavedTelegram {
  botToken?: Secret;
  apiId?: number;
  apiHash?: Secret;
  /** Another MTProto server, saved with its public key (rsaKeyPem). */
  dc?: { host: string; port: number };
  rsaKeyPem?: string;
  botApiRoot?: string;
}

/** The keys of credentials.json that SavedTelegram comes from. */
export const SAVED_TELEGRAM_KEYS = ['bot_token', 'api_id', 'api_hash', 'dc', 'rsa_key_pem', 'bot_api_root'] as const;

/** The saved Telegram settings in a credentials document (a malformed part is left out). Here, not in
 * store/credentials.ts, so that start-up can read them without loading the store's modules. */
export function savedTelegramOf(doc: Record<string, unknown>): SavedTelegram {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const out: SavedTelegram = {};
  const token = str(doc.bot_token);
  if (token) out.botToken = new Secret(token);
  const hash = str(doc.api_hash);
  if (typeof doc.api_id === 'number' && Number.isSafeInteger(doc.api_id) && doc.api_id > 0 && hash) {
    out.apiId = doc.api_id;
    out.apiHash = new Secret(hash);
  }
  const dc = doc.dc;
  const pem = str(doc.rsa_key_pem);
  if (isObject(dc) && typeof dc.host === 'string' && dc.host !== '' && Number.isInteger(dc.port) && (dc.port as number) > 0 && (dc.port as number) < 65536 && pem) {
    out.dc = { host: dc.host, port: dc.port as number };
    out.rsaKeyPem = pem;
  }
  const root = str(doc.bot_api_root);
  if (root && /^https?:\/\//.test(root)) out.botApiRoot = root;
  return out;
}

export type TelegramNeed = 'mtproto' | 'botapi';

/** The settings a need lacks, by their flag names (empty when none). */
export function missingSettings(s: TelegramSettings, need: TelegramNeed): string[] {
  const missing: string[] = [];
  if (need === 'botapi') {
    if (!s.botToken) missing.push('--bot-token (TG_BOT_TOKEN)');
    return missing;
  }
  if (s.apiId === undefined) missing.push('--api-id (TG_API_ID)');
  if (!s.apiHash) missing.push('--api-hash (TG_API_HASH)');
  return missing;
}

/** Throws the one clear failure (exit status 4) for settings a command needs and lacks. */
export function requireSettings(s: TelegramSettings, need: TelegramNeed, what: string): void {
  const missing = missingSettings(s, need);
  if (missing.length === 0) return;
  const how = need === 'mtproto' ? 'api id and hash from https://my.telegram.org' : 'a bot token from @BotFather';
  throw new TgshError(ErrorCode.NOT_LOGGED_IN, `${what} needs ${missing.join(' and ')}`, {
    failure: 'auth',
    hint: `give ${how} as flags or environment ('settings --save-credentials' keeps them in the profile), or try tgsh on the offline sandbox with --sandbox`,
  });
}

/** True when flags, environment or the profile's credentials file name any Telegram credential. */
export function hasTelegramCredentials(config: Config, paths: Pick<ProfilePaths, 'credentials'>): boolean {
  if (config.botToken || config.apiId !== undefined || config.apiHash || config.dc || config.botApiRoot) return true;
  if (!existsSync(paths.credentials)) return false;
  try {
    // A cheap look (no conf import): the shell decides at start whether to open on the sandbox.
    const doc = JSON.parse(readFileSync(paths.credentials, 'utf8')) as Record<string, unknown>;
    const sessions = doc.sessions as Record<string, unknown> | undefined;
    return Object.keys(savedTelegramOf(doc)).length > 0 || Object.keys(sessions ?? {}).length > 0;
  } catch {
    return true; // unreadable: let the store report it rather than hide it behind the sandbox
  }
}

/**
 * What the profile has saved (`settings --save-credentials`), read without the store: cheap, for
 * `stats` and for the settings of a run. Nothing when the file is missing or unreadable (the
 * store reports a corrupt file when it opens it).
 */
export function savedTelegram(paths: Pick<ProfilePaths, 'credentials'>): SavedTelegram {
  try {
    const doc = JSON.parse(readFileSync(paths.credentials, 'utf8')) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? savedTelegramOf(doc as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The public key --rsa-key (TG_RSA_KEY) names, read and checked; undefined when none is given. */
export function readRsaKey(config: Config): string | undefined {
  if (config.rsaKeyPem !== undefined) return config.rsaKeyPem;
  if (config.rsaKeyFile === undefined) return undefined;
  const from = config.rsaKeyFrom ?? '--rsa-key';
  let pem: string;
  try {
    pem = readFileSync(config.rsaKeyFile, 'utf8');
  } catch (e) {
    throw new TgshError(ErrorCode.NO_SUCH_FILE, `cannot read ${from} ${config.rsaKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      failure: 'auth',
    });
  }
  if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `${from} ${config.rsaKeyFile} is not a PEM public key (BEGIN RSA PUBLIC KEY or BEGIN PUBLIC KEY)`, { failure: 'auth' });
  }
  return pem;
}

/**
 * The settings from flags and environment, then what the profile has saved (no sandbox). The api
 * id and hash are taken as a pair, and so are a server and its key: a flag for one of a pair
 * overrides the saved pair. `storedToken` is the store's (the same file, already read).
 */
export function configuredSettings(config: Config, storedToken: Secret | undefined, saved: SavedTelegram = savedTelegram(profilePaths(config.profileDir))): TelegramSettings {
  let rsaKeyPem = readRsaKey(config);
  let dc = config.dc;
  if (dc && rsaKeyPem === undefined) {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `--dc ${dc.host}:${dc.port} needs --rsa-key FILE: the server's public key`, { failure: 'auth' });
  }
  if (!dc && saved.dc) {
    dc = saved.dc;
    rsaKeyPem = saved.rsaKeyPem;
  }
  const apiGiven = config.apiId !== undefined || config.apiHash !== undefined;
  return {
    botToken: config.botToken ?? storedToken ?? saved.botToken,
    apiId: apiGiven ? config.apiId : saved.apiId,
    apiHash: apiGiven ? config.apiHash : saved.apiHash,
    dc,
    rsaKeyPem,
    botApiRoot: config.botApiRoot ?? saved.botApiRoot ?? TELEGRAM_BOT_API_ROOT,
    sessionKey: dc ? `${dc.host}:${dc.port}` : 'telegram',
  };
}

/** The settings of an in-process sandbox. */
export function sandboxSettings(sandbox: Sandbox): TelegramSettings {
  const c = sandbox.connection;
  const [host, port] = [c.dc.slice(0, c.dc.lastIndexOf(':')), Number(c.dc.slice(c.dc.lastIndexOf(':') + 1))];
  return {
    botToken: new Secret(c.bot_token),
    apiId: c.api_id,
    apiHash: new Secret(c.api_hash),
    dc: { host, port },
    rsaKeyPem: c.rsa_key_pem,
    botApiRoot: c.bot_api_root,
    sessionKey: undefined,
    sandbox,
  };
}
