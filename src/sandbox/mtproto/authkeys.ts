// Auth keys the server knows, with what hangs on each: its server salt, its login, a pending
// sign-in or 2FA check, its resolve budget and its sessions.

import { randomBytes, sha1, type DerivedAuthKey } from './crypto.js';
import type { ClientSession } from './session.js';
import type { SrpChallenge } from './srp.js';

export interface KeyLogin {
  userId: number;
  bot: boolean;
}

export class AuthKeyRecord {
  readonly key: Buffer;
  readonly id: Buffer;
  readonly idHex: string;
  readonly auxHash: Buffer;
  /** The one server salt of this key (GramJS starts at 0 and learns it from bad_server_salt). */
  readonly salt: Buffer = randomBytes(8);
  login?: KeyLogin;
  /** After auth.sendCode. */
  pendingCode?: { phone: string; phoneCodeHash: string; userId: number };
  /** After SESSION_PASSWORD_NEEDED: the user whose 2FA password auth.checkPassword must prove. */
  passwordPendingFor?: number;
  readonly srp = new Map<bigint, SrpChallenge>();
  /** initConnection's api_id and invokeWithLayer's layer, as last seen. */
  apiId?: number;
  layer?: number;
  /** contacts.resolveUsername times (world clock, ms) inside the sliding window. */
  resolveTimes: number[] = [];
  floodUntilMs = 0;
  /** upload.saveFilePart / saveBigFilePart parts by file id (decimal), then by part number. */
  readonly uploads = new Map<string, Map<number, Buffer>>();
  readonly sessions = new Map<string, ClientSession>();

  constructor(derived: DerivedAuthKey) {
    this.key = derived.key;
    this.id = Buffer.from(derived.id);
    this.idHex = this.id.toString('hex');
    this.auxHash = Buffer.from(derived.auxHash);
  }

  /** The user the key is logged in as, or signing in as (2FA pending). */
  get actingUserId(): number | undefined {
    return this.login?.userId ?? this.passwordPendingFor;
  }
}

export class AuthKeyStore {
  private readonly byId = new Map<string, AuthKeyRecord>();

  get size(): number {
    return this.byId.size;
  }

  get(idHex: string): AuthKeyRecord | undefined {
    return this.byId.get(idHex);
  }

  /** Registers a new key; undefined when its id is taken (the client must retry). */
  add(derived: DerivedAuthKey): AuthKeyRecord | undefined {
    const rec = new AuthKeyRecord(derived);
    if (this.byId.has(rec.idHex)) return undefined;
    this.byId.set(rec.idHex, rec);
    return rec;
  }

  /** True when the server holds exactly this key (same bytes, same length). */
  knows(key: Buffer): boolean {
    const rec = this.byId.get(sha1(key).subarray(12, 20).toString('hex'));
    return rec !== undefined && rec.key.equals(key);
  }

  clear(): void {
    this.byId.clear();
  }

  values(): IterableIterator<AuthKeyRecord> {
    return this.byId.values();
  }
}
