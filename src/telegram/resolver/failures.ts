// What went wrong, as the one FAIL line (and hint) a person or a script can act on. Telegram's
// refusals keep telegram-cli's form (`RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED`, code 71);
// credential problems name the setting to fix and exit 4; flood waits exit 5.

import { ErrorCode, TgshError } from '../../core/errors.js';
import { MtprotoAuthKeyUnknownError, MtprotoConnectError, MtprotoRpcError, MtprotoTimeoutError } from '../mtproto/errors.js';
import { AbortedError } from './budget.js';

export interface FailureContext {
  /** What was being done: `resolving @example_user`. */
  what: string;
  username?: string;
  /** Where MTProto goes: `127.0.0.1:2443`, or `Telegram` (its own data centres). */
  server: string;
  /** --dc was given (a connection problem names it). */
  customServer: boolean;
  maxWaitSeconds: number;
}

const TOKEN_ERRORS = new Set(['ACCESS_TOKEN_INVALID', 'ACCESS_TOKEN_EXPIRED', 'BOT_TOKEN_INVALID']);
const API_ERRORS = new Set(['API_ID_INVALID', 'API_ID_PUBLISHED_FLOOD', 'API_HASH_INVALID']);
const SESSION_ERRORS = new Set(['AUTH_KEY_UNREGISTERED', 'AUTH_KEY_INVALID', 'SESSION_REVOKED', 'SESSION_EXPIRED', 'USER_DEACTIVATED', 'USER_DEACTIVATED_BAN', 'AUTH_KEY_PERM_EMPTY']);

/** True for Telegram's answers that mean the session is not (or no longer) logged in. */
export function isSessionError(e: unknown): e is MtprotoRpcError {
  return e instanceof MtprotoRpcError && SESSION_ERRORS.has(e.errorMessage);
}

export function isFloodWait(e: unknown): e is MtprotoRpcError {
  return e instanceof MtprotoRpcError && (e.code === 420 || /^(FLOOD_WAIT|FLOOD_PREMIUM_WAIT|SLOWMODE_WAIT)_\d+$/.test(e.errorMessage)) && e.seconds !== undefined;
}

/** `RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED`, telegram-cli's words for a refusal. */
export function rpcText(e: MtprotoRpcError): string {
  return `RPC_CALL_FAIL ${e.code}: ${e.errorMessage}`;
}

/** A FLOOD_WAIT longer than --max-wait (or met while --max-wait is 0): exit status 5. */
export function floodFailure(seconds: number, c: Pick<FailureContext, 'what' | 'maxWaitSeconds'>, remembered = false): TgshError {
  const why = remembered ? `Telegram asked tgsh to wait ${seconds} s more before resolving again` : `Telegram asks to wait ${seconds} s`;
  return new TgshError(ErrorCode.FLOOD, `RPC_CALL_FAIL 420: FLOOD_WAIT_${seconds} (${c.what}: ${why}, longer than --max-wait ${c.maxWaitSeconds})`, {
    failure: 'flood',
    retryAfter: seconds,
    hint: `try again in ${seconds} s, or allow the wait with --max-wait ${seconds}; resolving many names quickly causes this (the store answers names it knows)`,
  });
}

export function notLoggedIn(what: string): TgshError {
  return new TgshError(ErrorCode.NOT_LOGGED_IN, `${what} needs an MTProto login: no bot token and no saved user session`, {
    failure: 'auth',
    hint: "give the bot's token with --bot-token (TG_BOT_TOKEN), or log in as a user with 'login'",
  });
}

export function failureOf(e: unknown, c: FailureContext): TgshError {
  if (e instanceof TgshError) return e;
  // Ctrl-C while waiting (the shell's questions reject with a TgshError of their own).
  if (e instanceof AbortedError) return new TgshError(ErrorCode.BAD_ARGUMENT, `cancelled (${c.what})`);
  if (e instanceof MtprotoAuthKeyUnknownError) {
    return new TgshError(ErrorCode.NOT_LOGGED_IN, `the MTProto server ${c.server} does not know the saved session any more (${c.what})`, {
      failure: 'auth',
      hint: "log in again with 'login' (a bot logs in again by itself when --bot-token is given)",
    });
  }
  if (e instanceof MtprotoTimeoutError) {
    return new TgshError(ErrorCode.SERVER, `no answer from the MTProto server ${c.server} within ${Math.round(e.timeoutMs / 100) / 10} s (${c.what}, ${e.operation})`, {
      hint: c.customServer
        ? 'check that --dc (TG_DC) names a running MTProto server; TGSH_MTPROTO_TIMEOUT sets the wait in seconds'
        : 'check your network connection; TGSH_MTPROTO_TIMEOUT sets the wait in seconds',
    });
  }
  if (e instanceof MtprotoConnectError) {
    return new TgshError(ErrorCode.SERVER, `cannot reach the MTProto server ${c.server} (${c.what}): ${e.message}`, {
      hint: c.customServer ? 'check --dc HOST:PORT (TG_DC) and --rsa-key FILE, and that the server is running' : 'check your network connection',
    });
  }
  if (e instanceof MtprotoRpcError) return rpcFailure(e, c);
  const message = e instanceof Error ? e.message : String(e);
  // GramJS follows *_MIGRATE_X itself, and fails so when the data centre is not one it knows.
  const dc = /^Cannot find the DC with the ID of (\d+)$/.exec(message);
  if (dc) return migrateFailure(dc[1], c);
  return new TgshError(ErrorCode.INTERNAL, `internal error while ${c.what}: ${message}`, {
    hint: 'this is a bug in tgsh; please report it with the command that caused it',
  });
}

/**
 * Telegram keeps the account in another data centre (*_MIGRATE_X). Followed on Telegram's own
 * servers; a --dc server is dialled and nothing else.
 */
function migrateFailure(dc: number | string, c: FailureContext): TgshError {
  return new TgshError(ErrorCode.SERVER, `the MTProto server ${c.server} sends this account to data centre ${dc} (${c.what})`, {
    hint: c.customServer
      ? `--dc names one server only: point --dc (TG_DC) at data centre ${dc}'s address, or leave --dc out to use Telegram's`
      : `tgsh could not reach data centre ${dc}: check your network connection`,
  });
}

function rpcFailure(e: MtprotoRpcError, c: FailureContext): TgshError {
  const m = e.errorMessage;
  const migrateDc = e.migrateDc;
  const name = c.username ?? '';
  if (isFloodWait(e)) return floodFailure(e.seconds!, c);
  if (TOKEN_ERRORS.has(m)) {
    return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: Telegram refused the bot token`, {
      failure: 'auth',
      hint: 'check --bot-token (TG_BOT_TOKEN): copy the token again from @BotFather (/mybots -> API Token)',
    });
  }
  if (API_ERRORS.has(m)) {
    return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: Telegram refused the api id / api hash pair`, {
      failure: 'auth',
      hint: 'check --api-id and --api-hash (TG_API_ID, TG_API_HASH): copy them again from https://my.telegram.org -> API development tools',
    });
  }
  if (SESSION_ERRORS.has(m)) {
    return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: the saved session is no longer logged in`, {
      failure: 'auth',
      hint: "log in again with 'login' (a bot logs in again by itself when --bot-token is given)",
    });
  }
  if (migrateDc !== undefined) return migrateFailure(migrateDc, c);
  switch (m) {
    case 'USERNAME_NOT_OCCUPIED':
      return new TgshError(ErrorCode.SERVER, rpcText(e), {
        hint: `no public account, bot, group or channel uses the name '${name}' (or it is hidden from search)`,
      });
    case 'USERNAME_INVALID':
      return new TgshError(ErrorCode.SERVER, rpcText(e), {
        hint: `Telegram does not accept '${name}' as a username (a 4-character name exists only as a collectible)`,
      });
    case 'PEER_ID_INVALID':
    case 'USER_ID_INVALID':
    case 'CHANNEL_INVALID':
    case 'CHAT_ID_INVALID':
    case 'MSG_ID_INVALID':
      return new TgshError(ErrorCode.SERVER, rpcText(e), {
        hint: 'Telegram does not know this peer with this access hash: look it up again by @username, or use its $permanent id',
      });
    case 'CHANNEL_PRIVATE':
      return new TgshError(ErrorCode.SERVER, rpcText(e), { hint: 'the channel is private, or this account was banned from it' });
    case 'BOT_METHOD_INVALID':
      return new TgshError(ErrorCode.SERVER, rpcText(e), { hint: "bots can not do this; log in as a user with 'login'" });
    case 'PHONE_NUMBER_INVALID':
    case 'PHONE_NUMBER_UNOCCUPIED':
      return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: Telegram knows no account with this phone number`, {
        failure: 'auth',
        hint: 'give the number in international form, e.g. --phone +15550001111 (TG_PHONE)',
      });
    case 'PHONE_NUMBER_BANNED':
      return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: this phone number is banned from Telegram`, { failure: 'auth' });
    case 'PHONE_CODE_INVALID':
    case 'PHONE_CODE_EMPTY':
      return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: the login code is wrong`, {
        failure: 'auth',
        hint: 'run login again and give the code Telegram sent (--code, TG_CODE in scripts)',
      });
    case 'PHONE_CODE_EXPIRED':
      return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: the login code has expired`, {
        failure: 'auth',
        hint: 'run login again: Telegram sends a new code',
      });
    case 'PASSWORD_HASH_INVALID':
      return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: the 2FA password is wrong`, {
        failure: 'auth',
        hint: 'run login again with the right password (--password-file FILE or TG_PASSWORD in scripts)',
      });
    case 'SESSION_PASSWORD_NEEDED':
      return new TgshError(ErrorCode.NOT_LOGGED_IN, `${rpcText(e)}: the account has a 2FA password`, {
        failure: 'auth',
        hint: 'give it with --password-file FILE or TG_PASSWORD',
      });
  }
  return new TgshError(ErrorCode.SERVER, rpcText(e), { hint: `Telegram refused ${c.what}` });
}
