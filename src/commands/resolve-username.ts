// resolve_username <name>+ (alias contact_search): @usernames -> peers, one answer per name, in
// order, over one MTProto connection. The store answers names it knows (fresh within the username
// TTL) without any network call; [force] / --force asks Telegram anyway; [offline] never does.

import { failResultOf } from './fail-result.js';
import type { Resolver } from '../telegram/resolver/index.js';
import { checkedUsername } from '../telegram/resolver/username.js';
import type { Result, CommandSpec } from './types.js';

export const resolveUsername: CommandSpec = {
  name: 'resolve_username',
  aliases: ['contact_search'],
  group: 'lookup',
  args: [{ name: 'name', kind: 'username', repeat: true }],
  options: [{ name: 'force', description: 'ask Telegram even when the peer store knows the name (also [force])' }],
  summary: 'Looks up usernames (name, @name or t.me/name): one answer per name',
  help: [
    'Order: a fresh peer store entry, then MTProto contacts.resolveUsername, then (only without',
    '--api-id/--api-hash) the Bot API, which finds public channels and supergroups.',
    '[offline] answers from the peer store only; [force] or --force skips it.',
    'Text: the display name. JSON: {"user": {...}}, {"channel": {...}} or {"chat": {...}}.',
  ].join('\n'),
  async run(ctx, { args, options }) {
    const force = ctx.modifiers.force === true || options.force === true;
    const offline = ctx.modifiers.offline === true;
    const out: Result[] = [];
    let resolver: Resolver | undefined;
    for (const raw of args.name as string[]) {
      if (ctx.signal.aborted) break;
      try {
        const name = checkedUsername(raw); // refused here, before any network call
        resolver ??= await ctx.services.resolver(ctx.notice);
        const peer = await resolver.resolveUsername(name, { force, offline, signal: ctx.signal, notice: ctx.notice });
        out.push({ kind: 'peer', peer, view: 'name' });
      } catch (e) {
        out.push(failResultOf(e, ctx.services.secrets()));
      }
    }
    return out;
  },
};
