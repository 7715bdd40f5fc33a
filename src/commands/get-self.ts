// get_self: the account tgsh is logged in as over MTProto (users.getUsers([inputUserSelf])).

import type { CommandSpec } from './types.js';

export const getSelf: CommandSpec = {
  name: 'get_self',
  group: 'lookup',
  args: [],
  summary: 'Shows the account tgsh is logged in as (the bot, or the user of login)',
  async run(ctx) {
    const resolver = await ctx.services.resolver(ctx.notice);
    const peer = await resolver.getSelf({ signal: ctx.signal, notice: ctx.notice });
    return { kind: 'peer', peer, view: 'info' };
  },
};
