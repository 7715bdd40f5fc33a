import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const dialogList: CommandSpec = {
  name: 'dialog_list',
  group: 'peers',
  args: [
    { name: 'limit', kind: 'number', optional: true, default: 100 },
    { name: 'offset', kind: 'number', optional: true, default: 0 },
  ],
  summary: 'Lists the chats, channels and users the bot has seen, most recent first',
  help: 'Answered from the peer store.',
  async run(ctx, { args }) {
    const limit = (args.limit as number | undefined) ?? 100;
    const offset = (args.offset as number | undefined) ?? 0;
    if (limit < 0) return fail(ErrorCode.BAD_ARGUMENT, 'limit must be 0 or more');
    if (offset < 0) return fail(ErrorCode.BAD_ARGUMENT, 'offset must be 0 or more');
    const store = await storeOf(ctx);
    return { kind: 'peers', peers: store.dialogs({ limit, offset }), view: 'dialogs' };
  },
};
