// Auth keys the server knows, with what hangs on each: its server salt, its login, a pending
// sign-in or 2FA check, its resolve budget and its sessions.

import { sha1, type DerivedAuthKey } from './crypto.js';
import { AuthKeyRecord } from './session.js';

export { AuthKeyRecord, type KeyLogin } from './session.js';

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
