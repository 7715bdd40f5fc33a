// The resolver service: @usernames and peers -> ids and access hashes over MTProto (GramJS), with
// the peer store in front. One instance per Services (one GramJS client per process, connected on
// first need). This module is light: GramJS is imported only when a lookup needs the network.
//
//   const resolver = await resolverOf(ctx.services, ctx.notice);
//   const peer = await resolver.resolveUsername('example_user');   // throws TgshError on failure

import type { Services } from '../../session/services.js';
import type { Notice, Resolver } from './types.js';

export type { Resolver, ResolveOptions, LookupOptions, LoginInputs, Notice } from './types.js';

const stderrNotice: Notice = (text) => void process.stderr.write(text.endsWith('\n') ? text : text + '\n');

/** The profile's resolver (created on first use; the first caller's notice is its default). */
export function resolverOf(services: Services, notice: Notice = stderrNotice): Promise<Resolver> {
  return services.shared('resolver', async () => {
    // Loaded side by side, not one after the other: the resolver's code and the store.
    const [{ createResolver }] = await Promise.all([import('./resolver.js'), services.store(notice)]);
    return createResolver(services, notice);
  });
}
