// The built-in world: the seed document's example user, one bot, and one of each kind of peer and
// relation tgsh has to handle. Tests and `tgsh --sandbox` rely on these exact values.

import type { WorldData } from './types.js';

/** Fixed so that `resolve_username example_user` answers `$010000006459670b02c0c7fd66d44708`. */
export const EXAMPLE_USER_ID = 191322468;
export const EXAMPLE_USER_ACCESS_HASH = '596679014459359234';

export const SANDBOX_BOT_ID = 7000000001;
/** Not shaped like a real token on purpose (its secret part is short), so it cannot be mistaken for one. */
export const SANDBOX_BOT_TOKEN = '7000000001:sandbox-offline-token';
export const SANDBOX_API_ID = 17349;
export const SANDBOX_API_HASH = '0123456789abcdef0123456789abcdef';

// 2026-11-01T00:00:00Z, a fixed "long ago" for seeded times.
const T0 = 1793491200;

export function defaultWorldData(): WorldData {
  return {
    api_id: SANDBOX_API_ID,
    api_hash: SANDBOX_API_HASH,
    users: [
      {
        id: EXAMPLE_USER_ID,
        access_hash: EXAMPLE_USER_ACCESS_HASH,
        first_name: 'Example',
        usernames: ['example_user'],
        phone: '15550001111',
        bio: 'The user from the seed document.',
        login_code: '12345',
        contacts: [200000001, 200000003],
      },
      {
        id: 200000001,
        access_hash: '-4611686018427387905',
        first_name: 'Alice',
        last_name: 'Started',
        usernames: ['alice_started'],
        phone: '15550002222',
        last_seen: T0 + 7200,
        login_code: '22222',
        password: 'correct horse battery staple',
        password_hint: 'xkcd 936',
      },
      {
        id: 200000002,
        access_hash: '8070450532247928832',
        first_name: 'Bob',
        last_name: 'Blocked',
        usernames: ['bob_blocked'],
        last_seen: T0,
      },
      {
        id: 200000003,
        access_hash: '1311768467463790320',
        first_name: 'Carol',
        last_name: 'Never',
        usernames: ['carol_never'],
        last_seen: T0,
      },
      {
        // An id above 2^31: permanent ids use the 48-hex form.
        id: 6123456789,
        access_hash: '-9223372036854775807',
        first_name: 'Dora',
        last_name: 'Bigid',
        usernames: ['dora_bigid'],
      },
      {
        // Several usernames, one of them a 4-character collectible.
        id: 200000005,
        access_hash: '42',
        first_name: 'Eve',
        last_name: 'Many',
        usernames: ['eve_many', 'eve_alias', 'evee'],
      },
      {
        id: 200000006,
        access_hash: '77',
        first_name: 'Hidden',
        usernames: ['hidden_person'],
        hidden: true,
      },
    ],
    bots: [
      {
        id: SANDBOX_BOT_ID,
        access_hash: '5555555555555555555',
        first_name: 'tgsh sandbox',
        usernames: ['tgsh_sandbox_bot'],
        token: SANDBOX_BOT_TOKEN,
      },
      {
        id: 7000000002,
        access_hash: '6666666666666666666',
        first_name: 'Other',
        last_name: 'Bot',
        usernames: ['other_helper_bot'],
        token: '7000000002:sandbox-other-bot',
      },
    ],
    chats: [
      {
        id: 4567,
        title: 'Book Club',
        members: [EXAMPLE_USER_ID, 200000001, SANDBOX_BOT_ID],
        admins: [EXAMPLE_USER_ID],
        creator: EXAMPLE_USER_ID,
      },
    ],
    channels: [
      {
        id: 1098765432,
        access_hash: '3141592653589793238',
        title: 'tgsh News',
        usernames: ['tgsh_news'],
        broadcast: true,
        members: [EXAMPLE_USER_ID, 200000001, SANDBOX_BOT_ID],
        admins: [SANDBOX_BOT_ID],
        creator: EXAMPLE_USER_ID,
        about: 'Announcements from the sandbox.',
      },
      {
        id: 1234567890,
        access_hash: '2718281828459045235',
        title: 'tgsh Community',
        usernames: ['tgsh_chat'],
        broadcast: false,
        members: [EXAMPLE_USER_ID, 200000001, 200000003, SANDBOX_BOT_ID],
        admins: [EXAMPLE_USER_ID],
        creator: EXAMPLE_USER_ID,
        about: 'A supergroup to talk about tgsh.',
      },
      {
        // A forum: messages go to its General topic, or with [topic=N] to one of its topics.
        id: 1357913579,
        access_hash: '1618033988749894848',
        title: 'tgsh Forum',
        usernames: ['tgsh_forum'],
        broadcast: false,
        forum: true,
        topics: [
          { id: 2, title: 'Help' },
          { id: 3, title: 'Releases' },
        ],
        members: [EXAMPLE_USER_ID, 200000001, SANDBOX_BOT_ID],
        admins: [EXAMPLE_USER_ID],
        creator: EXAMPLE_USER_ID,
        about: 'A supergroup with topics.',
      },
    ],
    relations: [
      { user: 200000001, bot: SANDBOX_BOT_ID, started_at: T0 + 60, start_payload: 'welcome' },
      { user: 200000002, bot: SANDBOX_BOT_ID, started_at: T0 + 120, blocked_at: T0 + 180 },
      { user: EXAMPLE_USER_ID, bot: SANDBOX_BOT_ID, started_at: T0 + 240 },
    ],
  };
}
