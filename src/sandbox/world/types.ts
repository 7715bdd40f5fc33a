// The sandbox world as data: what a `--world FILE` holds and what the default world is built from.
// Ids are numbers, access hashes decimal strings of signed 64-bit values (never JS numbers).
// Times are unix seconds, like Telegram's wire formats.

export interface WorldUserData {
  id: number;
  access_hash: string;
  first_name: string;
  last_name?: string;
  /** Every username; the first is the main one. Empty for users without one. */
  usernames?: string[];
  phone?: string;
  bio?: string;
  /** Last seen online (unix seconds). */
  last_seen?: number;
  /** Hidden from username search: resolves answer USERNAME_NOT_OCCUPIED, as Telegram does. */
  hidden?: boolean;
  /** For user-account login (auth.sendCode / auth.signIn): the code this world accepts. */
  login_code?: string;
  /** A 2FA password: login then needs auth.checkPassword (SRP). */
  password?: string;
  password_hint?: string;
  /** User ids in this user's contact list (contacts.getContacts when logged in as this user). */
  contacts?: number[];
  /** IETF language tag the user's app reports (Bot API `User.language_code`). */
  language_code?: string;
  /** A deleted account: bots get `403 Forbidden: user is deactivated`. */
  deactivated?: boolean;
  /** User ids this user has blocked: they get USER_IS_BLOCKED writing to it, it YOU_BLOCKED_USER writing to them. */
  blocked?: number[];
  /** Who may write to this user privately: everybody (default) or its contacts only (others: USER_PRIVACY_RESTRICTED). */
  privacy_messages?: 'everybody' | 'contacts';
  /** Flood-limited by Telegram: writing to a non-contact answers PEER_FLOOD. */
  peer_flood?: boolean;
}

export interface WorldBotData extends WorldUserData {
  /** The Bot API token, `<id>:<secret>`. */
  token: string;
  /** Privacy mode off: the bot gets every group message, not only commands, mentions and replies. */
  can_read_all_group_messages?: boolean;
}

export interface WorldChatData {
  /** Basic group id (the Bot API id is -id). */
  id: number;
  title: string;
  members: number[];
  admins?: number[];
  creator?: number;
  /** Users and bots removed by an admin (a kicked bot gets `403 ... was kicked from the group chat`). */
  kicked?: number[];
}

export interface WorldChannelData {
  /** Channel or supergroup id (the Bot API id is -100 followed by it). */
  id: number;
  access_hash: string;
  title: string;
  usernames?: string[];
  /** true: a broadcast channel; false: a supergroup (megagroup). */
  broadcast: boolean;
  members: number[];
  admins?: number[];
  creator?: number;
  about?: string;
  /** Users and bots banned from the channel or supergroup. */
  kicked?: number[];
  /** A supergroup with topics (Telegram's forums): messages go to the General topic or to one of `topics`. */
  forum?: boolean;
  topics?: WorldForumTopic[];
}

/** A forum topic: its id is the id of the message that created it (Bot API message_thread_id). */
export interface WorldForumTopic {
  id: number;
  title: string;
}

/** A user's relation to a bot. */
export interface WorldBotRelation {
  user: number;
  bot: number;
  /** Unix seconds of the /start; absent when the user never started the bot. */
  started_at?: number;
  start_payload?: string;
  /** Unix seconds when the user blocked the bot; absent when not blocked. */
  blocked_at?: number;
}

export interface WorldLimits {
  /** MTProto: resolves allowed per session per window before FLOOD_WAIT_X. */
  resolve_budget: number;
  resolve_window_seconds: number;
  /** The X in FLOOD_WAIT_X once the budget is spent. */
  resolve_flood_wait_seconds: number;
  /** Bot API: messages per second overall, per private chat (after a burst), per group per minute. */
  bot_global_per_second: number;
  bot_private_per_second: number;
  bot_private_burst: number;
  bot_group_per_minute: number;
  /** false turns every Bot API send limit off (benchmarks of tgsh's own speed). */
  bot_limits_enabled: boolean;
  /**
   * Multiplies the Bot API limit windows (1 s overall, 1 s per private chat, 60 s per group):
   * 0.01 makes the per-group minute 0.6 s, so tests of waiting never sleep long. `retry_after`
   * stays a whole number of seconds (at least 1), as on Telegram.
   */
  bot_window_scale: number;
}

export interface WorldData {
  /** The api_id / api_hash pair this world's MTProto server accepts. */
  api_id: number;
  api_hash: string;
  users: WorldUserData[];
  bots: WorldBotData[];
  chats: WorldChatData[];
  channels: WorldChannelData[];
  relations: WorldBotRelation[];
  limits?: Partial<WorldLimits>;
}

export const DEFAULT_LIMITS: WorldLimits = {
  resolve_budget: 200,
  resolve_window_seconds: 60,
  resolve_flood_wait_seconds: 30,
  bot_global_per_second: 30,
  bot_private_per_second: 1,
  bot_private_burst: 3,
  bot_group_per_minute: 20,
  bot_limits_enabled: true,
  bot_window_scale: 1,
};
