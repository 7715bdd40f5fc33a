// Where to reach Telegram as the profile's credentials file saves it (`settings
// --save-credentials`). Read without the store's modules (no conf import), so that start-up can
// decide cheaply whether a profile is configured.

import type { ProfilePaths } from '../core/paths.js';
import { isObject, readJsonObject } from '../core/json.js';
import { Secret } from '../core/secret.js';

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

/**
 * What the profile has saved (`settings --save-credentials`), read without the store: cheap, for
 * `stats` and for the settings of a run. Nothing when the file is missing or unreadable (the
 * store reports a corrupt file when it opens it).
 */
export function savedTelegram(paths: Pick<ProfilePaths, 'credentials'>): SavedTelegram {
  const doc = readJsonObject(paths.credentials);
  return doc ? savedTelegramOf(doc) : {};
}
