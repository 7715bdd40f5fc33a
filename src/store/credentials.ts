// Credentials (credentials.json, conf, 0600, never exported): where to reach Telegram as saved by
// `settings --save-credentials` (bot token, api id and hash, another server and its key), MTProto
// session strings keyed by endpoint, and who this profile is logged in as. Secrets are handed out
// as `Secret` so they cannot be printed by accident. Nothing given on the command line or in the
// environment is stored unless the user asks (`settings --save-credentials`).
//
//   { "schema": 1,
//     "bot_token": "123:ABC...", "api_id": 12345, "api_hash": "0123...",
//     "dc": { "host": "127.0.0.1", "port": 2443 }, "rsa_key_pem": "-----BEGIN RSA PUBLIC KEY-----...",
//     "bot_api_root": "http://127.0.0.1:8081",
//     "sessions": { "telegram": { "session": "1AQAOMTQ5...", "saved_at": <ms> },
//                   "127.0.0.1:2443": { ... } },
//     "identity": { "kind": "bot", "id": 123, "username": "my_bot", "first_name": "My bot", "at": <ms> } }

import { Secret } from '../core/secret.js';
import { SmallConfFile, type Notice } from './small-file.js';
import type { Identity } from './identity.js';
import { SAVED_TELEGRAM_KEYS, savedTelegramOf, type SavedTelegram } from './saved-telegram.js';
import { isObject } from '../core/json.js';

export { savedTelegramOf, type SavedTelegram } from './saved-telegram.js';

export type { Identity } from './identity.js';

/** The key sessions are stored under: `telegram` for Telegram's own servers, else `host:port`. */
export function endpointKey(dc?: { host: string; port: number }): string {
  return dc ? `${dc.host}:${dc.port}` : 'telegram';
}

/** A user login half done: the code was sent (stage 'code'), or the 2FA password is awaited. */
export interface PendingLogin {
  session: Secret;
  phone: string;
  phoneCodeHash?: string;
  stage: 'code' | 'password';
  /** Unix ms. */
  at: number;
}


export class CredentialsStore {
  private constructor(private readonly file: SmallConfFile) {}

  static async open(path: string, notice: Notice): Promise<CredentialsStore> {
    const c = new CredentialsStore(new SmallConfFile(path, 'credentials', notice));
    await c.file.load();
    return c;
  }

  botToken(): Secret | undefined {
    const t = this.file.current().bot_token;
    return typeof t === 'string' && t !== '' ? new Secret(t) : undefined;
  }

  session(endpoint: string): Secret | undefined {
    const sessions = this.file.current().sessions;
    const s = isObject(sessions) ? sessions[endpoint] : undefined;
    return isObject(s) && typeof s.session === 'string' && s.session !== '' ? new Secret(s.session) : undefined;
  }

  /** Endpoints that have a saved session. */
  sessionEndpoints(): string[] {
    const sessions = this.file.current().sessions;
    return isObject(sessions) ? Object.keys(sessions) : [];
  }

  /** A user login waiting for its code or 2FA password (its auth key holds the half-done sign-in). */
  pendingLogin(endpoint: string): PendingLogin | undefined {
    const all = this.file.current().pending_logins;
    const p = isObject(all) ? all[endpoint] : undefined;
    if (!isObject(p) || typeof p.session !== 'string' || typeof p.phone !== 'string' || (p.stage !== 'code' && p.stage !== 'password')) return undefined;
    return {
      session: new Secret(p.session),
      phone: p.phone,
      phoneCodeHash: typeof p.phone_code_hash === 'string' ? p.phone_code_hash : undefined,
      stage: p.stage,
      at: typeof p.at === 'number' ? p.at : 0,
    };
  }

  async setPendingLogin(endpoint: string, pending: PendingLogin | undefined): Promise<void> {
    await this.file.update((d) => {
      d.schema = 1;
      const all: Record<string, unknown> = isObject(d.pending_logins) ? d.pending_logins : {};
      if (pending === undefined) delete all[endpoint];
      else all[endpoint] = { session: pending.session.reveal(), phone: pending.phone, phone_code_hash: pending.phoneCodeHash, stage: pending.stage, at: pending.at };
      if (Object.keys(all).length === 0) delete d.pending_logins;
      else d.pending_logins = all;
    });
  }

  identity(): Identity | undefined {
    const i = this.file.current().identity;
    if (!isObject(i) || (i.kind !== 'bot' && i.kind !== 'user') || typeof i.id !== 'number') return undefined;
    return i as unknown as Identity;
  }

  /** Where to reach Telegram as saved in this profile. */
  savedTelegram(): SavedTelegram {
    return savedTelegramOf(this.file.current());
  }

  /**
   * Saves the given parts (the others stay as they are). The api id goes with its hash and a
   * server with its key: giving one of a pair replaces the pair.
   */
  async saveTelegram(s: SavedTelegram): Promise<void> {
    await this.file.update((d) => {
      d.schema = 1;
      if (s.botToken) d.bot_token = s.botToken.reveal();
      if (s.apiId !== undefined || s.apiHash) {
        if (s.apiId === undefined || !s.apiHash) throw new RangeError('the api id and hash are saved together');
        d.api_id = s.apiId;
        d.api_hash = s.apiHash.reveal();
      }
      if (s.dc || s.rsaKeyPem !== undefined) {
        if (!s.dc || s.rsaKeyPem === undefined) throw new RangeError('a server (dc) is saved with its public key');
        d.dc = { host: s.dc.host, port: s.dc.port };
        d.rsa_key_pem = s.rsaKeyPem;
      }
      if (s.botApiRoot !== undefined) d.bot_api_root = s.botApiRoot;
    });
  }

  /** Removes what `saveTelegram` saved (sessions and who is logged in stay: that is logout's). */
  async forgetTelegram(): Promise<void> {
    await this.file.update((d) => {
      for (const k of SAVED_TELEGRAM_KEYS) delete d[k];
    });
  }

  async setBotToken(token: Secret | string | undefined): Promise<void> {
    const value = token === undefined ? undefined : typeof token === 'string' ? token : token.reveal();
    await this.file.update((d) => {
      d.schema = 1;
      if (value === undefined) delete d.bot_token;
      else d.bot_token = value;
    });
  }

  async setSession(endpoint: string, session: Secret | string | undefined): Promise<void> {
    const value = session === undefined ? undefined : typeof session === 'string' ? session : session.reveal();
    await this.file.update((d) => {
      d.schema = 1;
      const sessions: Record<string, unknown> = isObject(d.sessions) ? d.sessions : {};
      if (value === undefined) delete sessions[endpoint];
      else sessions[endpoint] = { session: value, saved_at: Date.now() };
      d.sessions = sessions;
    });
  }

  async setIdentity(identity: Identity | undefined): Promise<void> {
    await this.file.update((d) => {
      d.schema = 1;
      if (identity === undefined) delete d.identity;
      else d.identity = { ...identity };
    });
  }

  /** Forgets everything (log out). */
  async clear(): Promise<void> {
    await this.file.update((d) => {
      for (const k of Object.keys(d)) if (k !== '__internal__') delete d[k];
      d.schema = 1;
    });
  }
}
