import type { PeerRef } from '../peers/ref.js';
import { ErrorCode } from '../core/errors.js';
import { fail, success } from './result.js';
import { findPeer, storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const forget: CommandSpec = {
  name: 'forget',
  group: 'store',
  args: [{ name: 'peer', kind: 'peer' }],
  summary: 'Removes every trace of a peer from the store (record, usernames, consent)',
  help: 'Other tgsh processes of this profile will not bring it back; Telegram may tell tgsh about it again later.',
  async run(ctx, { args }) {
    const ref = args.peer as PeerRef;
    const store = await storeOf(ctx);
    const found = findPeer(ctx, store, ref);
    if ('kind' in found) return found;
    if (!found.known) return fail(ErrorCode.BAD_ARGUMENT, `unknown peer '${ref.raw}'`, { hint: 'the store holds nothing about it' });
    const gone = store.forget(found.peer);
    return success({ forgotten: gone?.printName ?? found.peer.printName });
  },
};
