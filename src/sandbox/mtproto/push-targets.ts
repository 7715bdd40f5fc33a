// Where a pushed update goes: every open session of the user keys it is for, but the session whose
// request caused it (that one has the update in its answer), one copy per connection even when
// several sessions of a key share it. Shared by account pushes (push.ts) and chats' (channel-push.ts).

import type { AuthKeyStore } from './authkeys.js';
import type { AuthKeyRecord, ClientSession, Outlet } from './session.js';

export interface PushTarget {
  key: AuthKeyRecord;
  session: ClientSession;
  userId: number;
}

/** The sessions to push to: of users (not bots) for whom `wants(userId)`, never `cause`. */
export function* pushTargets(authKeys: AuthKeyStore, wants: (userId: number) => boolean, cause: unknown): Generator<PushTarget> {
  for (const key of authKeys.values()) {
    const login = key.login;
    if (!login || login.bot || !wants(login.userId)) continue;
    const outlets = new Set<Outlet>();
    for (const session of key.sessions.values()) {
      const outlet = session.outlet;
      if (session === cause || !outlet || outlet.closed || outlets.has(outlet)) continue;
      outlets.add(outlet);
      yield { key, session, userId: login.userId };
    }
  }
}
