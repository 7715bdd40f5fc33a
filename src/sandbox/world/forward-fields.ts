// A forwarded message's legacy fields: what Telegram's Bot API still sends beside forward_origin
// (forward_from, forward_from_chat, forward_from_message_id, forward_date). Shared by the Bot API's
// forwards and the MTProto side's forwards into a chat the bots read.

import type { BotApiMessage, BotApiMessageOrigin } from './botapi-types.js';

export function legacyForward(o: BotApiMessageOrigin): Pick<BotApiMessage, 'forward_from' | 'forward_from_chat' | 'forward_from_message_id' | 'forward_date'> {
  switch (o.type) {
    case 'user':
      return { forward_from: o.sender_user, forward_date: o.date };
    case 'chat':
      return { forward_from_chat: o.sender_chat, forward_date: o.date };
    case 'channel':
      return { forward_from_chat: o.chat, forward_from_message_id: o.message_id, forward_date: o.date };
  }
}
