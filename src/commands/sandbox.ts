// `sandbox <action> ...`: act as the people of the offline world while tgsh runs on it, so a
// newcomer can see the whole flow: a user starts the bot, tgsh syncs and sends, the user reads.

import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandContext, CommandSpec } from './types.js';
import type { JsonValue } from '../core/json.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { WorldUserData } from '../sandbox/world/types.js';
import type { BotApiMessage } from '../sandbox/world/botapi-types.js';

const ACTIONS: Record<string, { usage: string; summary: string }> = {
  users: { usage: 'users', summary: "the world's people, and how each relates to the bot" },
  start: { usage: 'start <user> [payload]', summary: 'the user starts the bot (/start payload)' },
  stop: { usage: 'stop <user>', summary: 'the user sends /stop' },
  say: { usage: 'say <user> <text>', summary: 'the user writes to the bot, and to the logged-in user' },
  block: { usage: 'block <user>', summary: 'the user blocks the bot' },
  unblock: { usage: 'unblock <user>', summary: 'the user unblocks the bot' },
  post: { usage: 'post <user> <chat> <text>', summary: 'the user writes in a group' },
  join: { usage: 'join <user> <chat>', summary: 'the user joins a group' },
  leave: { usage: 'leave <user> <chat>', summary: 'the user leaves a group' },
  inbox: { usage: 'inbox <user|chat>', summary: 'what the bot and the logged-in user sent there' },
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
    'With a user logged in (login), say also writes to that account (a running shell shows it live;',
    "history <user> as the user has it), and inbox lists what the account sent, each line naming its sender.",
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
      const me = action === 'say' || action === 'inbox' ? await loggedInUser(ctx, sb) : undefined;
      return act(ctx, sb, action, words, spec.usage, me);
    } catch (e) {
      return fail(ErrorCode.BAD_ARGUMENT, (e as Error).message, { hint: `usage: sandbox ${spec.usage}` });
    }
  },
};

/**
 * The user account this run is logged in as on this sandbox (`login`), or undefined: none, a bot,
 * or a login kept in the profile from an earlier sandbox world (whose data centre is gone).
 */
async function loggedInUser(ctx: CommandContext, sb: Sandbox): Promise<WorldUserData | undefined> {
  const store = await ctx.services.store((t) => ctx.notice(t));
  const who = store.credentials.identity();
  if (who?.kind !== 'user' || !sb.mtproto.isLoggedIn(who.id)) return undefined;
  return sb.world.users.get(who.id);
}

const fullName = (u: { first_name: string; last_name?: string }): string => [u.first_name, u.last_name].filter(Boolean).join(' ');

function act(ctx: CommandContext, sb: Sandbox, action: string, w: string[], usage: string, me: WorldUserData | undefined): Result {
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
      return say(ctx, sb, w[0], w.slice(1).join(' '), me);
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
    case 'inbox':
      need(1);
      return inbox(sb, chatRef(w[0]), me);
  }
  ctx.notice('sandbox: done; run sync to let tgsh learn of it');
  return { kind: 'success' };
}

/**
 * `sandbox say`: the user writes to the bot, as always, and to the logged-in user's account (pushed
 * to its connected clients) unless it is that user itself. One delivery that works is a success;
 * the other one's refusal is told in a notice.
 */
function say(ctx: CommandContext, sb: Sandbox, from: string, text: string, me: WorldUserData | undefined): Result {
  const world = sb.world;
  const bot = world.botByToken(sb.connection.bot_token)!;
  const sender = world.user(from);
  let botError: Error | undefined;
  try {
    world.driver.sendPrivate(sender.id, text, { bot: bot.id });
  } catch (e) {
    botError = e as Error;
  }
  if (!me || me.id === sender.id) {
    if (botError) throw botError;
    ctx.notice('sandbox: done; run sync to let tgsh learn of it');
    return { kind: 'success' };
  }
  const you = `${fullName(me)} (the logged-in user)`;
  try {
    world.driver.sendToUser(sender.id, me.id, text);
  } catch (e) {
    const why = (e as Error).message.replace(/^.*: /, '');
    if (botError) throw new Error(`${botError.message}; and not to ${you}: ${why}`, { cause: e });
    ctx.notice(`sandbox: sent to the bot, not to ${you}: ${why}; run sync to let tgsh learn of it`);
    return { kind: 'success' };
  }
  if (botError) ctx.notice(`sandbox: sent to ${you}, not to the bot: ${botError.message}`);
  else ctx.notice(`sandbox: sent to the bot and to ${you}; run sync to let the bot's side learn of it`);
  return { kind: 'success' };
}

/**
 * `sandbox inbox`: what the bot sent to a user or chat, and what the logged-in user's account sent
 * there, oldest first; each names who sent it (`from`: bot or user) and how (silent, topic).
 */
function inbox(sb: Sandbox, chat: number | string, me: WorldUserData | undefined): Result {
  const world = sb.world;
  const bot = world.botByToken(sb.connection.bot_token)!;
  type Row = { from: 'bot' | 'user'; sender: string; message_id: number; date: number; text: string | null; silent: boolean; topic?: number };
  const made = new Map<Row, number>();
  const rows: Row[] = [];
  const add = (r: Row, message: object): void => {
    made.set(r, world.madeOrder(message));
    rows.push(r);
  };
  for (const m of world.received(chat, { bot: bot.id })) {
    const topic = m.message_thread_id !== undefined ? { topic: m.message_thread_id } : {};
    add({ from: 'bot', sender: fullName(bot), message_id: m.message_id, date: m.date, text: m.text ?? m.caption ?? null, silent: world.isSilent(m), ...topic }, m);
  }
  // message_id: the id in the account's own box (what reply takes as the user).
  for (const m of me ? world.driver.userInbox(chat, me.id) : []) {
    add({ from: 'user', sender: fullName(me!), message_id: m.id, date: m.date, text: m.text === '' && m.media ? null : m.text, silent: m.silent }, m);
  }
  // A supergroup keeps one box for everybody: the account's messages are those it is the author of.
  const c = world.chat(chat);
  if (me && c.type === 'supergroup') {
    const content = (x: BotApiMessage): boolean => x.text !== undefined || x.caption !== undefined || x.document !== undefined || x.photo !== undefined;
    for (const m of world.messages(chat).filter((x) => x.from?.id === me.id && world.senderBot(x) === undefined && content(x))) {
      const topic = m.message_thread_id !== undefined ? { topic: m.message_thread_id } : {};
      add({ from: 'user', sender: fullName(me), message_id: m.message_id, date: m.date, text: m.text ?? m.caption ?? null, silent: world.isSilent(m), ...topic }, m);
    }
  }
  // In the order they were sent (dates tie within a second).
  rows.sort((a, b) => a.date - b.date || made.get(a)! - made.get(b)!);
  const label = (r: Row): string => `${r.sender} (${r.from === 'bot' ? 'bot' : 'user account'})`;
  const how = (r: Row): string => [r.silent ? 'silent' : '', r.topic !== undefined ? `topic ${r.topic}` : ''].filter(Boolean).map((x) => ` [${x}]`).join('');
  const text = rows.length ? rows.map((r) => ` [${hhmm(r.date)}]  ${label(r)} >>>${how(r)} ${r.text ?? '(file)'}`).join('\n') : '(nothing received)';
  return { kind: 'text', text, json: rows as unknown as JsonValue };
}

function hhmm(unix: number): string {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
