// Every method the sandbox data centre implements, by TL name.

import { authMethods } from './auth.js';
import { channelMethods } from './channel-history.js';
import { dialogMethods } from './dialogs.js';
import { historyMethods } from './history.js';
import { messageMethods } from './messages.js';
import { miscMethods } from './misc.js';
import { peerMethods } from './peers.js';
import type { MethodSpec } from './types.js';
import { updateMethods } from './updates.js';
import { uploadMethods } from './upload.js';

export const METHODS: ReadonlyMap<string, MethodSpec> = new Map(
  Object.entries({ ...authMethods, ...peerMethods, ...miscMethods, ...messageMethods, ...historyMethods, ...dialogMethods, ...updateMethods, ...uploadMethods, ...channelMethods }),
);

export { TlVector, type MethodContext, type TlAnswer } from './types.js';
