// The resolver's contract: @usernames and peers -> ids and access hashes over MTProto (GramJS),
// with the peer store in front. Session creates one per run (services.resolver); this module is
// light: GramJS is imported only when a lookup needs the network.
//
//   const resolver = await ctx.services.resolver(ctx.notice);
//   const peer = await resolver.resolveUsername('example_user', { notice: ctx.notice });   // throws TgshError

export type { Resolver, ResolveOptions, LookupOptions, LoginInputs, Notice } from './types.js';
