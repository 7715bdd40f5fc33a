// The update sequence of an account: updates.getState and updates.getDifference, pts-based.
// Every event of the account's box has its pts (see world/accounts.ts); getDifference replays
// the events after the client's pts: new messages (as they are now) in new_messages, the rest
// (edits, deletions, reads) in other_updates.

import type { AccountEvent, AccountMessage } from '../../world/accounts.js';
import { rpcError } from '../errors.js';
import { Api } from '../gramjs.js';
import { peersOf, tlMessage, tlUpdate } from '../messages-tl.js';
import type { MethodContext, MethodTable } from './types.js';

/** Events per getDifference answer; more come as updates.differenceSlice. */
export const DIFFERENCE_EVENTS_MAX = 100;

function state(ctx: MethodContext, pts: number): Api.updates.State {
  const login = ctx.key.login!;
  let unread = 0;
  if (!login.bot) {
    const a = ctx.world.accounts.account(login.userId);
    for (const m of a.messages.values()) if (!m.out && m.id > (a.readInbox.get(`${m.peer.type}:${m.peer.id}`) ?? 0)) unread++;
  }
  return new Api.updates.State({ pts, qts: 0, date: ctx.world.now(), seq: 0, unreadCount: unread });
}

export const updateMethods: MethodTable = {
  'updates.getState': {
    login: true,
    run(_req: Api.updates.GetState, ctx) {
      const login = ctx.key.login!;
      return state(ctx, login.bot ? 1 : ctx.world.accounts.account(login.userId).pts);
    },
  },

  'updates.getDifference': {
    login: true,
    run(req: Api.updates.GetDifference, ctx) {
      const login = ctx.key.login!;
      const now = ctx.world.now();
      if (login.bot) return new Api.updates.DifferenceEmpty({ date: now, seq: 0 });
      const me = login.userId;
      const a = ctx.world.accounts.account(me);
      if (req.pts > a.pts) throw rpcError(400, 'PERSISTENT_TIMESTAMP_INVALID');
      if (req.pts === a.pts) return new Api.updates.DifferenceEmpty({ date: now, seq: 0 });
      if (req.ptsTotalLimit !== undefined && req.ptsTotalLimit > 0 && a.pts - req.pts > req.ptsTotalLimit) {
        return new Api.updates.DifferenceTooLong({ pts: a.pts });
      }
      const events = ctx.world.accounts.eventsAfter(me, req.pts);
      const taken: AccountEvent[] = events.slice(0, DIFFERENCE_EVENTS_MAX);
      const fresh = new Set<AccountMessage>();
      const newMessages: AccountMessage[] = [];
      const other: Api.TypeUpdate[] = [];
      for (const e of taken) {
        const u = e.update;
        if (u.kind === 'new') {
          // A message deleted since is not new any more; the deletion still follows in other_updates.
          if (a.messages.get(u.message.id) === u.message) {
            newMessages.push(u.message);
            fresh.add(u.message);
          }
        } else if (u.kind === 'edit') {
          // An edit of a message this difference brings is already in it.
          if (!fresh.has(u.message) && a.messages.get(u.message.id) === u.message) other.push(tlUpdate(e, ctx.endpoint.dcId));
        } else {
          other.push(tlUpdate(e, ctx.endpoint.dcId));
        }
      }
      const { users, chats } = peersOf(ctx.world, me, newMessages, [me]);
      const fields = {
        newMessages: newMessages.map((m) => tlMessage(m, ctx.endpoint.dcId)),
        newEncryptedMessages: [],
        otherUpdates: other,
        chats,
        users,
      };
      if (taken.length < events.length) {
        return new Api.updates.DifferenceSlice({ ...fields, intermediateState: state(ctx, taken[taken.length - 1].pts) });
      }
      return new Api.updates.Difference({ ...fields, state: state(ctx, a.pts) });
    },
  },
};
