// logout: ends the MTProto session on the server (auth.logOut) and deletes it, and who it was,
// from this profile. A bot token still configured logs the bot in again when next needed.

import { success } from './result.js';
import type { CommandSpec } from './types.js';

export const logout: CommandSpec = {
  name: 'logout',
  group: 'account',
  args: [],
  summary: 'Ends the MTProto session on the server and deletes it from this profile',
  async run(ctx) {
    const resolver = await ctx.services.resolver(ctx.notice);
    const who = await resolver.logout({ signal: ctx.signal, notice: ctx.notice });
    if (!who) ctx.notice('tgsh: nobody was logged in');
    return success({ logged_out: who ?? null });
  },
};
