import { pruneJournals } from '../broadcast/prune.js';
import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
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
  help: [
    'A user who never interacted counts from when tgsh first saw them. The logged-in account is kept.',
    'Broadcast journals last written more than N days ago are removed too (never a running one).',
  ].join('\n'),
  async run(ctx, { options }) {
    const store = await storeOf(ctx);
    const days = options['inactive-days'] === undefined ? store.settings.get('purge_inactive_days') : Number(options['inactive-days']);
    if (!(days > 0)) return fail(ErrorCode.BAD_ARGUMENT, '--inactive-days must be above 0');
    const dryRun = options['dry-run'] === true;
    const peers = store.purge({ inactiveDays: days, dryRun });
    const journals = pruneJournals(ctx.services.paths.journals, days, { dryRun });
    const names = peers.map((p) => p.printName);
    const verb = dryRun ? 'would purge' : 'purged';
    const who = peers.length === 1 ? 'peer' : 'peers';
    const lines = [`${verb} ${peers.length} ${who} inactive for ${days} days${names.length ? ': ' + names.join(' ') : ''}`];
    if (journals.length > 0) {
      const what = journals.length === 1 ? 'broadcast journal' : 'broadcast journals';
      lines.push(`${dryRun ? 'would remove' : 'removed'} ${journals.length} ${what} last written over ${days} days ago: ${journals.join(' ')}`);
    }
    return {
      kind: 'text',
      text: lines.join('\n'),
      json: { [dryRun ? 'would_purge' : 'purged']: peers.length, inactive_days: days, dry_run: dryRun, peers: names, broadcasts: journals },
    };
  },
};
