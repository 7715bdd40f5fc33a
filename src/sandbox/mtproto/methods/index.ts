// Every method the sandbox data centre implements, by TL name.

import { authMethods } from './auth.js';
import { miscMethods } from './misc.js';
import { peerMethods } from './peers.js';
import type { MethodSpec } from './types.js';

export const METHODS: ReadonlyMap<string, MethodSpec> = new Map(Object.entries({ ...authMethods, ...peerMethods, ...miscMethods }));

export { TlVector, type MethodContext, type TlAnswer } from './types.js';
