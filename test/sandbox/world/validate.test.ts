import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultWorldData, SANDBOX_BOT_ID } from '../../../src/sandbox/world/default-world.js';
import { createWorld, loadWorldFile, parseWorld, WorldValidationError } from '../../../src/sandbox/world/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'tgsh-world-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(data: unknown): string[] {
  try {
    parseWorld(data);
  } catch (e) {
    expect(e).toBeInstanceOf(WorldValidationError);
    return (e as WorldValidationError).problems;
  }
  throw new Error('expected the world to be refused');
}

/** A mutable copy of the default world, changed by fn. */
function worldWith(fn: (w: any) => void): unknown {
  const w = JSON.parse(JSON.stringify(defaultWorldData()));
  fn(w);
  return w;
}

describe('world validation', () => {
  it('accepts the default world, as data and as a JSON file', () => {
    expect(() => parseWorld(defaultWorldData())).not.toThrow();
    const file = join(dir, 'default.json');
    writeFileSync(file, JSON.stringify(defaultWorldData(), null, 2));
    const world = loadWorldFile(file);
    expect(world.findByUsername('example_user')?.type).toBe('user');
    expect(world.botByToken('7000000001:sandbox-offline-token')?.id).toBe(SANDBOX_BOT_ID);
    expect(createWorld(defaultWorldData()).users.size).toBe(9);
  });

  it('checks forum supergroups and their topics', () => {
    expect(defaultWorldData().channels.find((c) => c.forum)?.topics).toEqual([
      { id: 2, title: 'Help' },
      { id: 3, title: 'Releases' },
    ]);
    expect(
      problemsOf(
        worldWith((w) => {
          w.channels[0].forum = true; // a broadcast channel
          w.channels[1].topics = [{ id: 2, title: 'x' }]; // not a forum
          w.channels[2].topics = [{ id: 1, title: 'General' }, { id: 4, title: '' }, { id: 4, title: 'again', color: 1 }, 'x', { id: 20000, title: 'far' }];
        }),
      ),
    ).toEqual([
      'channels[0].forum: only a supergroup (broadcast: false) can be a forum',
      'channels[1].topics: needs forum: true',
      'channels[2].topics[0].id: is the General topic (messages without [topic]); topics start at 2',
      'channels[2].topics[1].title: must not be empty',
      'channels[2].topics[2].color: unknown field',
      'channels[2].topics[2].id: duplicate topic id 4',
      'channels[2].topics[3]: must be an object',
      'channels[2].topics[4].id: must be at most 10000 in the sandbox',
    ]);
  });

  it('names a bad access hash and why', () => {
    const p = problemsOf(worldWith((w) => (w.users[2].access_hash = '12x')));
    expect(p).toEqual(['users[2].access_hash: must be a decimal signed 64-bit integer string']);
    expect(problemsOf(worldWith((w) => (w.users[0].access_hash = '9223372036854775808')))).toEqual([
      'users[0].access_hash: must be a decimal signed 64-bit integer string',
    ]);
    expect(problemsOf(worldWith((w) => (w.channels[0].access_hash = 42)))).toEqual([
      'channels[0].access_hash: must be a decimal signed 64-bit integer string',
    ]);
    expect(() => parseWorld(worldWith((w) => (w.users[0].access_hash = '-9223372036854775808')))).not.toThrow();
  });

  it('finds duplicate ids and usernames (case-insensitive, across users, bots and channels)', () => {
    const p = problemsOf(
      worldWith((w) => {
        w.bots[1].id = w.users[1].id;
        w.bots[1].token = `${w.users[1].id}:secret`;
        w.users[3].usernames = ['Alice_Started'];
        w.channels[1].usernames = ['tgsh_news'];
      }),
    );
    expect(p).toContain('bots[1].id: duplicate id 200000001 (also users[1]; users and bots share one id space)');
    expect(p).toContain('users[3].usernames[0]: duplicate username "Alice_Started" (also users[1].usernames[0]; usernames are case-insensitive)');
    expect(p).toContain('channels[1].usernames[0]: duplicate username "tgsh_news" (also channels[0].usernames[0]; usernames are case-insensitive)');
  });

  it('checks username syntax', () => {
    const p = problemsOf(
      worldWith((w) => {
        w.users[0].usernames = ['1example', 'ends_', 'abc', 'has-dash', 'x'.repeat(33), 'okay'];
        w.bots[0].usernames = ['tgsh_sandbox'];
      }),
    );
    expect(p).toEqual([
      'users[0].usernames[0]: must start with a letter (got "1example")',
      'users[0].usernames[1]: must not end with _ (got "ends_")',
      'users[0].usernames[2]: must be 5 to 32 characters (4 for a collectible username) (got "abc")',
      'users[0].usernames[3]: may hold only A-z, 0-9 and _ (got "has-dash")',
      `users[0].usernames[4]: must be 5 to 32 characters (4 for a collectible username) (got "${'x'.repeat(33)}")`,
      'bots[0].usernames[0]: a bot username must end with "bot"',
    ]);
  });

  it('checks relations, members and contacts point at known users and bots', () => {
    const p = problemsOf(
      worldWith((w) => {
        w.relations.push({ user: 999, bot: SANDBOX_BOT_ID });
        w.relations.push({ user: 200000003, bot: 200000001 });
        w.relations.push({ user: SANDBOX_BOT_ID, bot: 7000000002 });
        w.relations.push({ user: 200000001, bot: SANDBOX_BOT_ID });
        w.relations.push({ user: 200000003, bot: SANDBOX_BOT_ID, start_payload: 'has space' });
        w.chats[0].members.push(12345);
        w.channels[0].admins.push(200000003);
        w.users[0].contacts.push(424242);
      }),
    );
    expect(p).toEqual([
      'users[0].contacts[2]: unknown user 424242',
      'chats[0].members[3]: unknown user 12345',
      'channels[0].admins[1]: admin 200000003 is not in members',
      'relations[3].user: unknown user 999',
      'relations[4].bot: unknown bot 200000001',
      'relations[5].user: 7000000001 is a bot; relations are from users to bots',
      'relations[6]: duplicate relation of user 200000001 to bot 7000000001 (also relations[0])',
      'relations[7].start_payload: must be 1 to 64 characters of A-Z a-z 0-9 _ -',
      'relations[7].start_payload: needs started_at',
    ]);
  });

  it("checks bot tokens: `<bot id>:<secret>` with the bot's own id", () => {
    const p = problemsOf(
      worldWith((w) => {
        w.bots[0].token = '7000000009:abc';
        w.bots[1].token = 'no-colon';
      }),
    );
    expect(p).toEqual([
      "bots[0].token: must start with the bot's id 7000000001, not 7000000009",
      'bots[1].token: must look like "<bot id>:<secret>" (secret: A-z 0-9 _ -)',
    ]);
    expect(problemsOf(worldWith((w) => delete w.bots[0].token))).toEqual([
      'bots[0].token: is required: the Bot API token "<bot id>:<secret>"',
    ]);
  });

  it('lists every problem in one error, the first ones in the message', () => {
    const data = worldWith((w) => {
      w.api_id = 'x';
      w.relation = [];
      delete w.users[0].first_name;
      w.limits = { bot_global_per_second: -1, bot_limits_enabled: 'no', nope: 1 };
      for (let i = 0; i < 30; i++) w.users.push({ id: 1000 + i, access_hash: 'bad', first_name: 'X' });
    });
    let err: WorldValidationError | undefined;
    try {
      parseWorld(data, 'my-world.json');
    } catch (e) {
      err = e as WorldValidationError;
    }
    expect(err).toBeInstanceOf(WorldValidationError);
    expect(err!.problems.length).toBe(36);
    expect(err!.problems.slice(0, 2)).toEqual(['relation: unknown field', 'api_id: must be a positive 32-bit integer']);
    expect(err!.problems).toContain('users[0].first_name: is required');
    expect(err!.problems).toContain('limits.bot_global_per_second: must be a positive number');
    expect(err!.problems).toContain('limits.bot_limits_enabled: must be true or false');
    expect(err!.problems).toContain('limits.nope: unknown field');
    expect(err!.message).toMatch(/^invalid sandbox world my-world\.json: 36 problems\n {2}- relation: unknown field\n/);
    expect(err!.message).toContain('... and 16 more');
  });

  it('refuses files that are not JSON, not objects, or missing, with the same error class', () => {
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ "api_id": 1, ');
    expect(() => loadWorldFile(notJson)).toThrow(WorldValidationError);
    expect(() => loadWorldFile(notJson)).toThrow(/not valid JSON/);
    const arr = join(dir, 'array.json');
    writeFileSync(arr, '[]');
    expect(() => loadWorldFile(arr)).toThrow('(top level): must be a JSON object');
    expect(() => loadWorldFile(join(dir, 'missing.json'))).toThrow(/cannot read the file/);
    const minimal = join(dir, 'minimal.json');
    writeFileSync(minimal, JSON.stringify({ api_id: 1, api_hash: 'a'.repeat(32), users: [], bots: [] }));
    const w = loadWorldFile(minimal);
    expect(w.chats.size).toBe(0);
    expect(w.limits.bot_group_per_minute).toBe(20);
  });
});
