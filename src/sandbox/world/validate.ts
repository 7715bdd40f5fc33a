// Loading a world from JSON (`tgsh --sandbox --world FILE`), with every problem named: the field's
// path and why, e.g. `users[2].access_hash: must be a decimal signed 64-bit integer string`.

import { readFileSync } from 'node:fs';
import { DEFAULT_LIMITS, type WorldData } from './types.js';
import { World } from './world.js';
import { isObject } from '../../core/json.js';

/** The one error of world loading; `problems` lists each bad field (the message shows the first ones). */
export class WorldValidationError extends Error {
  readonly problems: string[];

  constructor(problems: string[], source?: string) {
    const shown = problems.slice(0, 20);
    const more = problems.length - shown.length;
    super(
      `invalid sandbox world${source ? ` ${source}` : ''}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        shown.map((p) => `  - ${p}`).join('\n') +
        (more > 0 ? `\n  ... and ${more} more` : ''),
    );
    this.name = 'WorldValidationError';
    this.problems = problems;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_ID = 2 ** 52;

type Obj = Record<string, unknown>;

const USER_KEYS = [
  'id', 'access_hash', 'first_name', 'last_name', 'usernames', 'phone', 'bio', 'last_seen', 'hidden',
  'login_code', 'password', 'password_hint', 'contacts', 'language_code', 'deactivated',
  'blocked', 'privacy_messages', 'peer_flood',
];
const BOT_KEYS = [...USER_KEYS, 'token', 'can_read_all_group_messages'];
const CHAT_KEYS = ['id', 'title', 'members', 'admins', 'creator', 'kicked'];
const CHANNEL_KEYS = ['id', 'access_hash', 'title', 'usernames', 'broadcast', 'members', 'admins', 'creator', 'about', 'kicked', 'forum', 'topics'];
const TOPIC_KEYS = ['id', 'title'];
const RELATION_KEYS = ['user', 'bot', 'started_at', 'start_payload', 'blocked_at'];
const TOP_KEYS = ['api_id', 'api_hash', 'users', 'bots', 'chats', 'channels', 'relations', 'limits'];

const isObj: (v: unknown) => v is Obj = isObject;

/** Username syntax: A-z 0-9 _, starts with a letter, not ending with _, 5-32 (4: collectible). */
export function usernameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length < 4 || name.length > 32) return 'must be 5 to 32 characters (4 for a collectible username)';
  if (!/^[A-Za-z]/.test(name)) return 'must start with a letter';
  if (!/^[A-Za-z0-9_]+$/.test(name)) return 'may hold only A-z, 0-9 and _';
  if (name.endsWith('_')) return 'must not end with _';
  return undefined;
}

/**
 * Checks a parsed JSON value against the world format and returns it as WorldData (optional lists
 * default to empty). Throws WorldValidationError listing every problem found.
 */
export function parseWorld(json: unknown, source?: string): WorldData {
  const problems: string[] = [];
  const bad = (path: string, why: string) => problems.push(`${path}: ${why}`);
  if (!isObj(json)) throw new WorldValidationError(['(top level): must be a JSON object'], source);

  const unknownKeys = (o: Obj, allowed: string[], path: string) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(path ? `${path}.${k}` : k, 'unknown field');
  };
  const str = (o: Obj, k: string, path: string, opts: { required?: boolean; nonEmpty?: boolean } = {}) => {
    const v = o[k];
    if (v === undefined) {
      if (opts.required) bad(`${path}.${k}`, 'is required');
      return;
    }
    if (typeof v !== 'string') bad(`${path}.${k}`, 'must be a string');
    else if (opts.nonEmpty && v.trim() === '') bad(`${path}.${k}`, 'must not be empty');
  };
  const int = (o: Obj, k: string, path: string, opts: { required?: boolean; positive?: boolean } = {}) => {
    const v = o[k];
    if (v === undefined) {
      if (opts.required) bad(`${path}.${k}`, 'is required');
      return;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) bad(`${path}.${k}`, 'must be an integer');
    else if (opts.positive && (v <= 0 || v >= MAX_ID)) bad(`${path}.${k}`, `must be a positive integer below 2^52`);
  };
  const bool = (o: Obj, k: string, path: string) => {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') bad(`${path}.${k}`, 'must be true or false');
  };
  const accessHash = (o: Obj, path: string) => {
    const v = o.access_hash;
    const why = 'must be a decimal signed 64-bit integer string';
    if (v === undefined) return bad(`${path}.access_hash`, 'is required');
    if (typeof v !== 'string' || !/^-?(0|[1-9][0-9]*)$/.test(v)) return bad(`${path}.access_hash`, why);
    const n = BigInt(v);
    if (n < INT64_MIN || n > INT64_MAX) bad(`${path}.access_hash`, why);
  };
  const list = (k: string, required: boolean): Obj[] => {
    const v = json[k];
    if (v === undefined) {
      if (required) bad(k, 'is required (an array)');
      return [];
    }
    if (!Array.isArray(v)) {
      bad(k, 'must be an array');
      return [];
    }
    return v.map((e, i) => {
      if (!isObj(e)) bad(`${k}[${i}]`, 'must be an object');
      return isObj(e) ? e : {};
    });
  };

  unknownKeys(json, TOP_KEYS, '');
  if (typeof json.api_id !== 'number' || !Number.isInteger(json.api_id) || json.api_id <= 0 || json.api_id > 2 ** 31 - 1) {
    bad('api_id', 'must be a positive 32-bit integer');
  }
  if (typeof json.api_hash !== 'string' || !/^[0-9a-f]{32}$/.test(json.api_hash)) {
    bad('api_hash', 'must be a 32-character lowercase hex string');
  }

  const users = list('users', true);
  const bots = list('bots', true);
  const chats = list('chats', false);
  const channels = list('channels', false);
  const relations = list('relations', false);

  const userIds = new Map<number, string>(); // id -> path
  const botIds = new Set<number>();
  const usernames = new Map<string, string>(); // lower-case name -> path

  const checkUsernames = (o: Obj, path: string, isBotAccount: boolean) => {
    const v = o.usernames;
    if (v === undefined) return;
    if (!Array.isArray(v)) return bad(`${path}.usernames`, 'must be an array of strings');
    v.forEach((n, j) => {
      const p = `${path}.usernames[${j}]`;
      const why = usernameProblem(n);
      if (why) return bad(p, `${why} (got ${JSON.stringify(n)})`);
      const name = n as string;
      if (isBotAccount && j === 0 && !name.toLowerCase().endsWith('bot')) bad(p, 'a bot username must end with "bot"');
      const prev = usernames.get(name.toLowerCase());
      if (prev) bad(p, `duplicate username ${JSON.stringify(name)} (also ${prev}; usernames are case-insensitive)`);
      else usernames.set(name.toLowerCase(), p);
    });
  };

  const checkUser = (u: Obj, path: string, isBotAccount: boolean) => {
    unknownKeys(u, isBotAccount ? BOT_KEYS : USER_KEYS, path);
    int(u, 'id', path, { required: true, positive: true });
    if (typeof u.id === 'number' && Number.isInteger(u.id)) {
      const prev = userIds.get(u.id);
      if (prev) bad(`${path}.id`, `duplicate id ${u.id} (also ${prev}; users and bots share one id space)`);
      else userIds.set(u.id, path);
      if (isBotAccount) botIds.add(u.id);
    }
    accessHash(u, path);
    str(u, 'first_name', path, { required: true, nonEmpty: true });
    str(u, 'last_name', path);
    checkUsernames(u, path, isBotAccount);
    if (u.phone !== undefined && (typeof u.phone !== 'string' || !/^\+?[0-9][0-9 -]{4,20}$/.test(u.phone))) {
      bad(`${path}.phone`, 'must be a phone number string of digits (e.g. "15550001111")');
    }
    str(u, 'bio', path);
    int(u, 'last_seen', path);
    bool(u, 'hidden', path);
    bool(u, 'deactivated', path);
    if (u.login_code !== undefined && (typeof u.login_code !== 'string' || !/^[0-9]{5,6}$/.test(u.login_code))) {
      bad(`${path}.login_code`, 'must be a string of 5 or 6 digits');
    }
    str(u, 'password', path, { nonEmpty: true });
    str(u, 'password_hint', path);
    if (u.password_hint !== undefined && u.password === undefined) bad(`${path}.password_hint`, 'needs a password');
    str(u, 'language_code', path);
    if (u.contacts !== undefined && (!Array.isArray(u.contacts) || u.contacts.some((c) => typeof c !== 'number'))) {
      bad(`${path}.contacts`, 'must be an array of user ids');
    }
    if (u.blocked !== undefined && (!Array.isArray(u.blocked) || u.blocked.some((c) => typeof c !== 'number'))) {
      bad(`${path}.blocked`, 'must be an array of user ids');
    }
    if (u.privacy_messages !== undefined && u.privacy_messages !== 'everybody' && u.privacy_messages !== 'contacts') {
      bad(`${path}.privacy_messages`, 'must be "everybody" or "contacts"');
    }
    bool(u, 'peer_flood', path);
    if (isBotAccount) {
      bool(u, 'can_read_all_group_messages', path);
      const t = u.token;
      if (typeof t !== 'string') bad(`${path}.token`, 'is required: the Bot API token "<bot id>:<secret>"');
      else {
        const m = /^([0-9]+):([A-Za-z0-9_-]+)$/.exec(t);
        if (!m) bad(`${path}.token`, 'must look like "<bot id>:<secret>" (secret: A-z 0-9 _ -)');
        else if (Number(m[1]) !== u.id) bad(`${path}.token`, `must start with the bot's id ${String(u.id)}, not ${m[1]}`);
      }
    }
  };

  users.forEach((u, i) => checkUser(u, `users[${i}]`, false));
  bots.forEach((b, i) => checkUser(b, `bots[${i}]`, true));
  const tokens = new Map<string, string>();
  bots.forEach((b, i) => {
    if (typeof b.token !== 'string') return;
    const prev = tokens.get(b.token);
    if (prev) bad(`bots[${i}].token`, `duplicate token (also ${prev})`);
    else tokens.set(b.token, `bots[${i}]`);
  });

  // Blocked users are users.
  users.forEach((u, i) => {
    if (!Array.isArray(u.blocked)) return;
    u.blocked.forEach((c, j) => {
      if (typeof c === 'number' && !userIds.has(c)) bad(`users[${i}].blocked[${j}]`, `unknown user ${c}`);
    });
  });
  // Contacts point at users.
  users.forEach((u, i) => {
    if (!Array.isArray(u.contacts)) return;
    u.contacts.forEach((c, j) => {
      if (typeof c === 'number' && !userIds.has(c)) bad(`users[${i}].contacts[${j}]`, `unknown user ${c}`);
    });
  });

  const memberList = (o: Obj, k: string, path: string, required: boolean) => {
    const v = o[k];
    if (v === undefined) {
      if (required) bad(`${path}.${k}`, 'is required (an array of user ids)');
      return [] as number[];
    }
    if (!Array.isArray(v)) {
      bad(`${path}.${k}`, 'must be an array of user ids');
      return [] as number[];
    }
    const seen = new Set<number>();
    v.forEach((id, j) => {
      if (typeof id !== 'number' || !userIds.has(id)) bad(`${path}.${k}[${j}]`, `unknown user ${JSON.stringify(id)}`);
      else if (seen.has(id)) bad(`${path}.${k}[${j}]`, `duplicate member ${id}`);
      seen.add(id as number);
    });
    return v.filter((id): id is number => typeof id === 'number');
  };
  const checkRoster = (o: Obj, path: string) => {
    const members = memberList(o, 'members', path, true);
    const admins = memberList(o, 'admins', path, false);
    const kicked = memberList(o, 'kicked', path, false);
    admins.forEach((a, j) => {
      if (!members.includes(a)) bad(`${path}.admins[${j}]`, `admin ${a} is not in members`);
    });
    kicked.forEach((a, j) => {
      if (members.includes(a)) bad(`${path}.kicked[${j}]`, `user ${a} is both kicked and a member`);
    });
    if (o.creator !== undefined) {
      if (typeof o.creator !== 'number' || !userIds.has(o.creator)) bad(`${path}.creator`, `unknown user ${JSON.stringify(o.creator)}`);
      else if (!members.includes(o.creator)) bad(`${path}.creator`, `creator ${o.creator} is not in members`);
    }
  };

  const chatIds = new Set<number>();
  chats.forEach((c, i) => {
    const path = `chats[${i}]`;
    unknownKeys(c, CHAT_KEYS, path);
    int(c, 'id', path, { required: true, positive: true });
    if (typeof c.id === 'number' && c.id >= 1_000_000_000_000) bad(`${path}.id`, 'a basic group id must be below 10^12');
    if (typeof c.id === 'number') {
      if (chatIds.has(c.id)) bad(`${path}.id`, `duplicate chat id ${c.id}`);
      chatIds.add(c.id);
    }
    str(c, 'title', path, { required: true, nonEmpty: true });
    checkRoster(c, path);
  });
  /** A forum supergroup and its topics (ids from 2: 1 is the General topic, which every forum has). */
  const checkForum = (c: Obj, path: string) => {
    bool(c, 'forum', path);
    if (c.forum === true && c.broadcast === true) bad(`${path}.forum`, 'only a supergroup (broadcast: false) can be a forum');
    if (c.topics === undefined) return;
    if (c.forum !== true) bad(`${path}.topics`, 'needs forum: true');
    if (!Array.isArray(c.topics)) return bad(`${path}.topics`, 'must be an array');
    const seen = new Set<number>();
    (c.topics as unknown[]).forEach((t, j) => {
      const tp = `${path}.topics[${j}]`;
      if (!isObj(t)) return bad(tp, 'must be an object');
      unknownKeys(t, TOPIC_KEYS, tp);
      int(t, 'id', tp, { required: true, positive: true });
      if (t.id === 1) bad(`${tp}.id`, 'is the General topic (messages without [topic]); topics start at 2');
      // The forum's box starts with a message per id up to the last topic (a topic is the message that opened it).
      if (typeof t.id === 'number' && t.id > 10_000) bad(`${tp}.id`, 'must be at most 10000 in the sandbox');
      if (typeof t.id === 'number') {
        if (seen.has(t.id)) bad(`${tp}.id`, `duplicate topic id ${t.id}`);
        seen.add(t.id);
      }
      str(t, 'title', tp, { required: true, nonEmpty: true });
    });
  };
  const channelIds = new Set<number>();
  channels.forEach((c, i) => {
    const path = `channels[${i}]`;
    unknownKeys(c, CHANNEL_KEYS, path);
    int(c, 'id', path, { required: true, positive: true });
    if (typeof c.id === 'number' && c.id >= 1_000_000_000_000) bad(`${path}.id`, 'a channel id must be below 10^12');
    if (typeof c.id === 'number') {
      if (channelIds.has(c.id)) bad(`${path}.id`, `duplicate channel id ${c.id}`);
      channelIds.add(c.id);
    }
    accessHash(c, path);
    str(c, 'title', path, { required: true, nonEmpty: true });
    checkUsernames(c, path, false);
    if (typeof c.broadcast !== 'boolean') bad(`${path}.broadcast`, 'is required: true for a channel, false for a supergroup');
    str(c, 'about', path);
    checkRoster(c, path);
    checkForum(c, path);
  });

  const pairs = new Map<string, string>();
  relations.forEach((r, i) => {
    const path = `relations[${i}]`;
    unknownKeys(r, RELATION_KEYS, path);
    if (typeof r.user !== 'number' || !userIds.has(r.user)) bad(`${path}.user`, `unknown user ${JSON.stringify(r.user)}`);
    else if (botIds.has(r.user)) bad(`${path}.user`, `${r.user} is a bot; relations are from users to bots`);
    if (typeof r.bot !== 'number' || !botIds.has(r.bot)) bad(`${path}.bot`, `unknown bot ${JSON.stringify(r.bot)}`);
    int(r, 'started_at', path);
    int(r, 'blocked_at', path);
    if (r.start_payload !== undefined) {
      if (typeof r.start_payload !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(r.start_payload)) {
        bad(`${path}.start_payload`, 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');
      }
      if (r.started_at === undefined) bad(`${path}.start_payload`, 'needs started_at');
    }
    const key = `${String(r.user)}:${String(r.bot)}`;
    const prev = pairs.get(key);
    if (prev) bad(path, `duplicate relation of user ${String(r.user)} to bot ${String(r.bot)} (also ${prev})`);
    else pairs.set(key, path);
  });

  if (json.limits !== undefined) {
    if (!isObj(json.limits)) bad('limits', 'must be an object');
    else {
      for (const [k, v] of Object.entries(json.limits)) {
        const def = (DEFAULT_LIMITS as unknown as Record<string, unknown>)[k];
        if (def === undefined) bad(`limits.${k}`, 'unknown field');
        else if (typeof def === 'boolean' && typeof v !== 'boolean') bad(`limits.${k}`, 'must be true or false');
        else if (typeof def === 'number' && (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) {
          bad(`limits.${k}`, 'must be a positive number');
        }
      }
    }
  }

  if (problems.length) throw new WorldValidationError(problems, source);
  const data = json as unknown as WorldData;
  return { ...data, chats: data.chats ?? [], channels: data.channels ?? [], relations: data.relations ?? [] };
}

/** Reads, validates and builds a world from a JSON file. Throws WorldValidationError. */
export function loadWorldFile(path: string): World {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WorldValidationError([`cannot read the file: ${(e as Error).message}`], path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WorldValidationError([`not valid JSON: ${(e as Error).message}`], path);
  }
  return new World(parseWorld(json, path));
}

/** Validates world data (e.g. the default world) and builds the World. */
export function createWorld(data: unknown): World {
  return new World(parseWorld(data));
}
