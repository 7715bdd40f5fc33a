// `sandbox <action> ...`: act as the people of the offline world while tgsh runs on it, so a
// newcomer can see the whole flow: a user starts the bot, tgsh syncs and sends, the user reads.

import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandContext, CommandSpec } from './types.js';
import type { JsonValue } from '../core/json.js';
import type { Sandbox } from '../sandbox/sandbox.js';

const ACTIONS: Record<string, { usage: string; summary: string }> = {
  users: { usage: 'users', summary: "the world's people, and how each relates to the bot" },
  start: { usage: 'start <user> [payload]', summary: 'the user starts the bot (/start payload)' },
  stop: { usage: 'stop <user>', summary: 'the user sends /stop' },
  say: { usage: 'say <user> <text>', summary: 'the user writes to the bot' },
  block: { usage: 'block <user>', summary: 'the user blocks the bot' },
  unblock: { usage: 'unblock <user>', summary: 'the user unblocks the bot' },
  post: { usage: 'post <user> <chat> <text>', summary: 'the user writes in a group' },
  join: { usage: 'join <user> <chat>', summary: 'the user joins a group' },
  leave: { usage: 'leave <user> <chat>', summary: 'the user leaves a group' },
  inbox: { usage: 'inbox <user|chat>', summary: 'what that chat received from the bot' },
};

export const sandbox: CommandSpec = {
  name: 'sandbox',
  group: 'shell',
  args: [
    { name: 'action', kind: 'string', optional: true },
    { name: 'args', kind: 'string_end', optional: true },
  ],
  summary: 'Acts as a user of the offline sandbox world (tgsh --sandbox only)',
  help: [
    'Users and chats are @usernames or Bot API ids (Book Club is -4567). Actions:',
    ...Object.values(ACTIONS).map((a) => `  sandbox ${a.usage.padEnd(28)}${a.summary}`),
    'After start/say/block, run sync to let tgsh learn of it.',
  ].join('\n'),
  async run(ctx, { args }) {
    const action = (args.action as string | undefined) ?? 'users';
    const spec = ACTIONS[action];
    if (!spec) return fail(ErrorCode.BAD_ARGUMENT, `no sandbox action '${action.slice(0, 32)}'`, { hint: `actions: ${Object.keys(ACTIONS).join(', ')}` });
    if (!ctx.config.sandbox) return fail(ErrorCode.BAD_ARGUMENT, 'tgsh is not running on the sandbox', { hint: 'start tgsh with --sandbox (or without credentials, in the interactive shell)' });
    await ctx.services.telegram(ctx.notice);
    const sb = ctx.services.sandbox();
    if (!sb) return fail(ErrorCode.BAD_ARGUMENT, 'the sandbox is not running');
    const words = ((args.args as string | undefined) ?? '').split(/\s+/).filter(Boolean);
    try {
      return act(ctx, sb, action, words, spec.usage);
    } catch (e) {
      return fail(ErrorCode.BAD_ARGUMENT, (e as Error).message, { hint: `usage: sandbox ${spec.usage}` });
    }
  },
};

function act(ctx: CommandContext, sb: Sandbox, action: string, w: string[], usage: string): Result {
  const world = sb.world;
  const bot = world.botByToken(sb.connection.bot_token)!;
  const need = (n: number): void => {
    if (w.length < n) throw new Error(`missing arguments: sandbox ${usage}`);
  };
  const chatRef = (s: string): number | string => (/^-?\d+$/.test(s) ? Number(s) : s);
  switch (action) {
    case 'users': {
      const rows = [...world.users.values()].filter((u) => !world.isBot(u.id)).map((u) => {
        const r = world.relation(u.id, bot.id);
        const state = r?.blocked_at ? 'blocked' : r?.started_at ? 'started' : 'never wrote';
        return { username: u.usernames?.[0] ?? null, id: u.id, name: [u.first_name, u.last_name].filter(Boolean).join(' '), bot: state };
      });
      const text = rows.map((r) => `${r.username ? '@' + r.username : `user#${r.id}`}\t${r.name}\t${r.bot}`).join('\n');
      return { kind: 'text', text, json: rows as unknown as JsonValue };
    }
    case 'start':
      need(1);
      world.driver.start(w[0], { bot: bot.id, payload: w[1] });
      break;
    case 'stop':
      need(1);
      world.driver.stop(w[0], { bot: bot.id });
      break;
    case 'say':
      need(2);
      world.driver.sendPrivate(w[0], w.slice(1).join(' '), { bot: bot.id });
      break;
    case 'block':
      need(1);
      world.driver.block(w[0], { bot: bot.id });
      break;
    case 'unblock':
      need(1);
      world.driver.unblock(w[0], { bot: bot.id });
      break;
    case 'post':
      need(3);
      world.driver.sendToChat(w[0], chatRef(w[1]), w.slice(2).join(' '));
      break;
    case 'join':
      need(2);
      world.driver.join(w[0], chatRef(w[1]));
      break;
    case 'leave':
      need(2);
      world.driver.leave(w[0], chatRef(w[1]));
      break;
    case 'inbox': {
      need(1);
      const msgs = world.received(chatRef(w[0]), { bot: bot.id });
      const name = [bot.first_name, bot.last_name].filter(Boolean).join(' ');
      const text = msgs.length ? msgs.map((m) => ` [${hhmm(m.date)}]  ${name} >>> ${m.text ?? m.caption ?? '(file)'}`).join('\n') : '(nothing received)';
      return { kind: 'text', text, json: msgs.map((m) => ({ message_id: m.message_id, date: m.date, text: m.text ?? m.caption ?? null })) };
    }
  }
  ctx.notice('sandbox: done; run sync to let tgsh learn of it');
  return { kind: 'success' };
}

function hhmm(unix: number): string {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
