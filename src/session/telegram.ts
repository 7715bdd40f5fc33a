// Where tgsh reaches Telegram: flags and environment first, then what the profile has saved
// (`settings --save-credentials`), or the offline sandbox. Outside the interactive shell tgsh never
// falls back to the sandbox on its own: a command that needs Telegram with nothing configured
// fails, naming the missing settings.

import { existsSync, readFileSync } from 'node:fs';
import type { Config } from '../core/config.js';
import { ErrorCode, TgshError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import { profilePaths, type ProfilePaths } from '../core/paths.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { TELEGRAM_BOT_API_ROOT } from '../telegram/botapi/api.js';
import { isObject, readJsonObject } from '../core/json.js';
import { savedTelegram, savedTelegramOf, type SavedTelegram } from '../store/saved-telegram.js';
import type { TelegramSettings } from '../telegram/settings.js';

/** True when flags, environment or the profile's credentials file name any Telegram credential. */
export function hasTelegramCredentials(config: Config, paths: Pick<ProfilePaths, 'credentials'>): boolean {
  if (config.botToken || config.apiId !== undefined || config.apiHash || config.dc || config.botApiRoot) return true;
  if (!existsSync(paths.credentials)) return false;
  // A cheap look (no conf import): the shell decides at start whether to open on the sandbox.
  const doc = readJsonObject(paths.credentials);
  if (!doc) return true; // unreadable: let the store report it rather than hide it behind the sandbox
  const sessions = isObject(doc.sessions) ? doc.sessions : {};
  return Object.keys(savedTelegramOf(doc)).length > 0 || Object.keys(sessions).length > 0;
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
