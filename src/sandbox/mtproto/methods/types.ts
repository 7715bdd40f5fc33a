// What a method handler gets and returns.

import type { World } from '../../world/world.js';
import type { AuthKeyRecord } from '../authkeys.js';
import type { SrpVerifiers } from '../srp.js';

export interface MethodContext {
  world: World;
  key: AuthKeyRecord;
  /** This data centre, as help.getConfig describes it. */
  endpoint: { host: string; port: number; dcId: number };
  verifiers: SrpVerifiers;
  /** The session the request came from: account events it causes are answered, not pushed to it. */
  session?: unknown;
}

export interface TlSerializable {
  getBytes(): Buffer;
}

/** A bare `Vector<T>` result (users.getUsers). */
export class TlVector {
  constructor(readonly items: TlSerializable[]) {}
}

export type TlAnswer = TlSerializable | TlVector | boolean;

export interface MethodSpec {
  /** false: allowed before login (auth.*, help.getConfig ...). */
  login: boolean;
  run(request: any, ctx: MethodContext): TlAnswer | Promise<TlAnswer>;
}

export type MethodTable = Record<string, MethodSpec>;
