// The Bot API objects the sandbox produces (updates, messages, chats, members), as plain JSON
// shapes. A subset of core.telegram.org/bots/api, field names exactly as Telegram sends them.

export interface BotApiUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type BotApiChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface BotApiChat {
  id: number;
  type: BotApiChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  /** A supergroup with topics. */
  is_forum?: true;
}

export interface BotApiMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: BotApiUser;
  language?: string;
  custom_emoji_id?: string;
}

export interface BotApiPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export interface BotApiDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

export interface BotApiLinkPreviewOptions {
  is_disabled?: boolean;
  url?: string;
  prefer_small_media?: boolean;
  prefer_large_media?: boolean;
  show_above_text?: boolean;
}

export interface BotApiInlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [key: string]: unknown;
}

export interface BotApiReplyMarkup {
  inline_keyboard?: BotApiInlineKeyboardButton[][];
  [key: string]: unknown;
}

/** MessageOrigin: who first sent a forwarded message (the sandbox has no hidden users). */
export type BotApiMessageOrigin =
  | { type: 'user'; date: number; sender_user: BotApiUser }
  | { type: 'chat'; date: number; sender_chat: BotApiChat }
  | { type: 'channel'; date: number; chat: BotApiChat; message_id: number };

export interface BotApiMessage {
  message_id: number;
  /** The forum topic (in a forum supergroup) the message belongs to. */
  message_thread_id?: number;
  from?: BotApiUser;
  sender_chat?: BotApiChat;
  chat: BotApiChat;
  date: number;
  edit_date?: number;
  /** Where a forwarded message came from (forwardMessage), and the legacy fields Telegram still sends. */
  forward_origin?: BotApiMessageOrigin;
  forward_from?: BotApiUser;
  forward_from_chat?: BotApiChat;
  forward_from_message_id?: number;
  forward_date?: number;
  text?: string;
  entities?: BotApiMessageEntity[];
  caption?: string;
  caption_entities?: BotApiMessageEntity[];
  document?: BotApiDocument;
  video?: BotApiDocument & { width: number; height: number; duration: number };
  audio?: BotApiDocument & { duration: number };
  photo?: BotApiPhotoSize[];
  reply_to_message?: BotApiMessage;
  link_preview_options?: BotApiLinkPreviewOptions;
  reply_markup?: BotApiReplyMarkup;
  new_chat_members?: BotApiUser[];
  left_chat_member?: BotApiUser;
  group_chat_created?: true;
  has_protected_content?: true;
  is_topic_message?: true;
  supergroup_chat_created?: true;
  forum_topic_created?: { name: string; icon_color: number };
}

export type BotApiChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface BotApiChatMember {
  status: BotApiChatMemberStatus;
  user: BotApiUser;
  is_anonymous?: boolean;
  until_date?: number;
  [right: string]: unknown;
}

export interface BotApiChatMemberUpdated {
  chat: BotApiChat;
  from: BotApiUser;
  date: number;
  old_chat_member: BotApiChatMember;
  new_chat_member: BotApiChatMember;
  via_join_request?: boolean;
  via_chat_folder_invite_link?: boolean;
}

export interface BotApiCallbackQuery {
  id: string;
  from: BotApiUser;
  message?: BotApiMessage;
  inline_message_id?: string;
  chat_instance: string;
  data?: string;
}

/** The update kinds the sandbox produces (others exist on Telegram). */
export type UpdateKind =
  | 'message'
  | 'edited_message'
  | 'channel_post'
  | 'edited_channel_post'
  | 'callback_query'
  | 'my_chat_member'
  | 'chat_member';

export interface BotApiUpdate {
  update_id: number;
  message?: BotApiMessage;
  edited_message?: BotApiMessage;
  channel_post?: BotApiMessage;
  edited_channel_post?: BotApiMessage;
  callback_query?: BotApiCallbackQuery;
  my_chat_member?: BotApiChatMemberUpdated;
  chat_member?: BotApiChatMemberUpdated;
}

/** Every update type name Telegram accepts in `allowed_updates`. */
export const ALL_UPDATE_TYPES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
] as const;

/** Delivered when `allowed_updates` is empty or was never given: all but these three. */
export const DEFAULT_UPDATE_TYPES: ReadonlySet<string> = new Set(
  ALL_UPDATE_TYPES.filter((t) => t !== 'chat_member' && t !== 'message_reaction' && t !== 'message_reaction_count'),
);
