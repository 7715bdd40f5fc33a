// One message as tgsh shows it (a sent message, a live one): what the formatters need, nothing of
// grammY's or GramJS's own types.

export interface MessageView {
  messageId: number;
  /** Bot API chat id. */
  chatId: number;
  /** Unix seconds. */
  date: number;
  out: boolean;
  /** The other party of a private chat, or the group's or channel's title. */
  chatName: string;
  /** The author inside a group (absent in private chats and channel posts). */
  fromName?: string;
  /** The text, or `[photo] caption`, `[document name] caption`, a service action. */
  text: string;
}
