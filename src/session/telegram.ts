// Where tgsh reaches Telegram: flags and environment first, then the profile's stored credentials,
// or the offline sandbox. Outside the interactive shell tgsh never falls back to the sandbox on its
// own: a command that needs Telegram with nothing configured fails, naming the missing settings.

import { existsSync, readFileSync } from 'node:fs';
import type { Config, Endpoint } from '../cli/config.js';
import { ErrorCode } from '../commands/result.js';
import { TgshError } from '../util/errors.js';
import { Secret } from '../util/secret.js';
import type { ProfilePaths } from './paths.js';
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
    hint: `give ${how} as flags or environment, or try tgsh on the offline sandbox with --sandbox`,
  });
}

/** True when flags, environment or the profile's credentials file name any Telegram credential. */
export function hasTelegramCredentials(config: Config, paths: Pick<ProfilePaths, 'credentials'>): boolean {
  if (config.botToken || config.apiId !== undefined || config.apiHash || config.dc || config.botApiRoot) return true;
  if (!existsSync(paths.credentials)) return false;
  try {
    // A cheap look (no conf import): the shell decides at start whether to open on the sandbox.
    const doc = JSON.parse(readFileSync(paths.credentials, 'utf8')) as { bot_token?: unknown; sessions?: Record<string, unknown> };
    return typeof doc.bot_token === 'string' || Object.keys(doc.sessions ?? {}).length > 0;
  } catch {
    return true; // unreadable: let the store report it rather than hide it behind the sandbox
  }
}

/** The settings from flags, environment and stored credentials (no sandbox). */
export function configuredSettings(config: Config, storedToken: Secret | undefined): TelegramSettings {
  let rsaKeyPem = config.rsaKeyPem;
  if (rsaKeyPem === undefined && config.rsaKeyFile !== undefined) {
    try {
      rsaKeyPem = readFileSync(config.rsaKeyFile, 'utf8');
    } catch (e) {
      throw new TgshError(ErrorCode.NO_SUCH_FILE, `cannot read --rsa-key ${config.rsaKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        failure: 'auth',
      });
    }
    if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(rsaKeyPem)) {
      throw new TgshError(ErrorCode.BAD_ARGUMENT, `--rsa-key ${config.rsaKeyFile} is not a PEM public key (BEGIN RSA PUBLIC KEY or BEGIN PUBLIC KEY)`, { failure: 'auth' });
    }
  }
  if (config.dc && rsaKeyPem === undefined) {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `--dc ${config.dc.host}:${config.dc.port} needs --rsa-key FILE: the server's public key`, { failure: 'auth' });
  }
  return {
    botToken: config.botToken ?? storedToken,
    apiId: config.apiId,
    apiHash: config.apiHash,
    dc: config.dc,
    rsaKeyPem,
    botApiRoot: config.botApiRoot ?? TELEGRAM_BOT_API_ROOT,
    sessionKey: config.dc ? `${config.dc.host}:${config.dc.port}` : 'telegram',
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
