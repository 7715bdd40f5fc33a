import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import { suggest } from './suggest.js';
import type { CommandSpec } from './types.js';

export const help: CommandSpec = {
  name: 'help',
  group: 'shell',
  args: [{ name: 'command', kind: 'string', optional: true }],
  summary: 'Lists the commands, or explains one',
  help: 'Without an argument, one line per command: its arguments and what it does.\n<peer> is @username, user#ID, chat#ID, channel#ID, a Bot API id, a $permanent id or a print name.',
  run(ctx, { args }) {
    const name = args.command as string | undefined;
    if (name === undefined) return { kind: 'help', commands: ctx.registry.all(), detail: false };
    const spec = ctx.registry.find(name);
    if (!spec) {
      const near = suggest(name, ctx.registry.names());
      return fail(ErrorCode.BAD_ARGUMENT, `no command '${name.slice(0, 64)}'`, { hint: near ? `did you mean '${near}'?` : "type 'help' for the list" });
    }
    return { kind: 'help', commands: [spec], detail: true };
  },
};
