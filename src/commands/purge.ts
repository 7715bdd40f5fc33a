import { ErrorCode, fail } from './result.js';
import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const purge: CommandSpec = {
  name: 'purge',
  group: 'store',
  args: [],
  options: [
    { name: 'inactive-days', value: 'number', description: 'remove users with no interaction for this many days (default: the purge_inactive_days setting)' },
    { name: 'dry-run', description: 'only list who would be removed' },
  ],
  summary: 'Removes users and bots that have not interacted with the bot for N days',
  help: 'A user who never interacted counts from when tgsh first saw them. The logged-in account is kept.',
  async run(ctx, { options }) {
    const store = await storeOf(ctx);
    const days = options['inactive-days'] === undefined ? store.settings.get('purge_inactive_days') : Number(options['inactive-days']);
    if (!(days > 0)) return fail(ErrorCode.BAD_ARGUMENT, '--inactive-days must be above 0');
    const dryRun = options['dry-run'] === true;
    const peers = store.purge({ inactiveDays: days, dryRun });
    const names = peers.map((p) => p.printName);
    const verb = dryRun ? 'would purge' : 'purged';
    const who = peers.length === 1 ? 'peer' : 'peers';
    return {
      kind: 'text',
      text: `${verb} ${peers.length} ${who} inactive for ${days} days${names.length ? ': ' + names.join(' ') : ''}`,
      json: { [dryRun ? 'would_purge' : 'purged']: peers.length, inactive_days: days, dry_run: dryRun, peers: names },
    };
  },
};
