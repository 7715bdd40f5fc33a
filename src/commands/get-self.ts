// get_self: the account tgsh is logged in as over MTProto (users.getUsers([inputUserSelf])).

import type { CommandSpec } from './types.js';

export const getSelf: CommandSpec = {
  name: 'get_self',
  group: 'lookup',
  args: [],
  summary: 'Shows the account tgsh is logged in as (the bot, or the user of login)',
  async run(ctx) {
    const { actingIdentity, userAccount } = await import('./acting.js');
    const acting = await actingIdentity(ctx);
    const store = await ctx.services.store((t) => ctx.notice(t));
    const saved = store.credentials.identity();
    if (ctx.modifiers.as ?? ctx.config.as) ctx.notice(`tgsh: acting as the ${acting}`);
    if (acting === 'user') await (await userAccount(ctx)).link('get_self');
    else if (saved?.kind === 'user') {
      // The MTProto session is the user's: the bot is asked over the Bot API.
      const sender = await ctx.services.botSender((t) => ctx.notice(t), 'get_self');
      const me = await sender.me(ctx.signal);
      const peer = store.get('user', me.id) ?? store.upsert({ kind: 'bot', id: me.id, firstName: me.firstName, lastName: me.lastName, usernames: me.username ? [me.username] : [] }, 'botapi');
      return { kind: 'peer', peer, view: 'info' };
    }
    const resolver = await ctx.services.resolver(ctx.notice);
    const peer = await resolver.getSelf({ signal: ctx.signal, notice: ctx.notice });
    return { kind: 'peer', peer, view: 'info' };
  },
};
