// Where one run reaches Telegram (flags, environment, the profile's saved credentials or the
// sandbox), and the one clear failure when a command needs a setting that is missing.

import type { Endpoint } from '../core/config.js';
import { ErrorCode, TgshError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { Sandbox } from '../sandbox/sandbox.js';

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
    hint: `give ${how} as flags or environment ('settings --save-credentials' keeps them in the profile), or try tgsh on the offline sandbox with --sandbox`,
  });
}
