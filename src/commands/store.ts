// `store info` and `store migrate <kind>`: which backend keeps this profile's peers (conf file,
// SQLite, PostgreSQL), and moving them to another one. The store modules are imported only here.

import { ErrorCode } from '../core/errors.js';
import { fail, success } from './result.js';
import { storeOf } from './peer-lookup.js';
import type { CommandContext, CommandSpec, Result } from './types.js';

export const store: CommandSpec = {
  name: 'store',
  group: 'store',
  args: [
    { name: 'action', kind: 'string', optional: true },
    { name: 'target', kind: 'string', optional: true },
  ],
  summary: 'Shows where the peers are kept (store info), or moves them (store migrate conf|sqlite|postgres://...)',
  help: [
    'store info: the backend, its location (a URL never shows its password) and how many peers it holds.',
    'store migrate KIND: copies every peer, consent, tombstone and update offset to KIND, checks the copy,',
    'then switches the profile to it in one step (an interrupted migration leaves the old store in charge).',
  ].join('\n'),
  async run(ctx, { args }) {
    const action = (args.action as string | undefined) ?? 'info';
    if (action === 'info') return info(ctx);
    if (action === 'migrate') {
      const target = args.target as string | undefined;
      if (!target) return fail(ErrorCode.BAD_ARGUMENT, 'store migrate: which backend?', { hint: 'store migrate sqlite (or conf, or postgres://user@host/db)' });
      return migrate(ctx, target);
    }
    return fail(ErrorCode.BAD_ARGUMENT, `store: unknown action '${action.slice(0, 32)}'`, { hint: 'store info, or store migrate conf|sqlite|postgres://...' });
  },
};

async function info(ctx: CommandContext): Promise<Result> {
  const s = await storeOf(ctx);
  const { rememberedStore } = await import('../store/choice.js');
  const remembered = rememberedStore(ctx.services.paths.dir);
  return {
    kind: 'fields',
    fields: [
      ['backend', s.backend.kind],
      ['location', s.backend.location],
      ['peers', s.size],
      ['remembered', remembered ? remembered.kind : 'no (default conf)'],
    ],
  };
}

async function migrate(ctx: CommandContext, target: string): Promise<Result> {
  const [{ parseStoreChoice }, { migrateStore }] = await Promise.all([import('../store/choice.js'), import('../store/migrate.js')]);
  const choice = parseStoreChoice(target);
  const s = await storeOf(ctx);
  const r = await migrateStore({ store: s, target: choice, paths: ctx.services.paths });
  return success({ from: r.from, to: r.to, location: r.location, peers: r.peers, tombstones: r.tombstones, state: r.state });
}
