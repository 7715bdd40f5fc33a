// Shared set-up for the Bot API server tests: a fresh default world, a server on an ephemeral
// port, and grammY's own Api client pointed at it.
import { Api, GrammyError } from 'grammy';
import { expect } from 'vitest';
import { startBotApiServer, type BotApiServer } from '../../../src/sandbox/botapi/server.js';
import { defaultWorldData, SANDBOX_BOT_TOKEN } from '../../../src/sandbox/world/default-world.js';
import type { WorldData, WorldLimits } from '../../../src/sandbox/world/types.js';
import { World } from '../../../src/sandbox/world/world.js';

export const ALICE = 200000001; // started the bot, payload "welcome"
export const BOB = 200000002; // started, then blocked
export const CAROL = 200000003; // never started; in the supergroup with the bot
export const DORA = 6123456789; // never met the bot
export const EVE = 200000005;
export const EXAMPLE = 191322468; // started; creator of the groups
export const OTHER_BOT = 7000000002;
export const OTHER_TOKEN = '7000000002:sandbox-other-bot';
export const BOOK_CLUB = -4567; // basic group, the bot is a member
export const NEWS = -1001098765432; // channel @tgsh_news, the bot is an admin
export const COMMUNITY = -1001234567890; // supergroup @tgsh_chat, the bot is a member

export interface Sandbox {
  world: World;
  server: BotApiServer;
  api: Api;
  close(): Promise<void>;
}

/** A world and its server; limits off unless given. */
export async function sandbox(opts: { limits?: Partial<WorldLimits>; edit?: (d: WorldData) => void } = {}): Promise<Sandbox> {
  const data = defaultWorldData();
  data.limits = { bot_limits_enabled: false, ...opts.limits };
  opts.edit?.(data);
  const world = new World(data);
  const server = await startBotApiServer({ world });
  const api = new Api(SANDBOX_BOT_TOKEN, { apiRoot: server.apiRoot });
  return { world, server, api, close: () => server.close() };
}

/** Awaits a refusal and returns it as grammY's GrammyError. */
export async function refusal(p: Promise<unknown>): Promise<GrammyError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GrammyError);
    return e as GrammyError;
  }
  throw new Error('expected a refusal, got a result');
}

/** Expects a refusal with this code and exact description. */
export async function refused(p: Promise<unknown>, code: number, description: string): Promise<GrammyError> {
  const e = await refusal(p);
  expect({ code: e.error_code, description: e.description }).toEqual({ code, description });
  return e;
}

/** Waits (without timing assumptions) until cond() holds. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Confirms every pending update of the sandbox bot (start from an empty queue). */
export function drain(world: World, botId = 7000000001): void {
  const q = world.updates(botId);
  q.confirm(q.nextUpdateId);
}
