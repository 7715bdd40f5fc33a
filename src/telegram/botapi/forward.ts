// fwd as the bot: the messages named, in the order given, as the calls the Bot API takes. Several
// messages of one chat in increasing order are one forwardMessages (which takes 1 to 100 ids in a
// strictly increasing order); a run of one is a forwardMessage (whose answer is the whole Message).

import { isObject } from '../../core/json.js';

export interface ForwardedRef {
  /** The Bot API chat id the message is in. */
  chatId: number;
  messageId: number;
}

export interface ForwardRun {
  chatId: number;
  messageIds: number[];
}

/** forwardMessages takes at most this many ids. */
export const FORWARD_BATCH_MAX = 100;

/** Consecutive messages of one chat with increasing ids, at most 100 a run; the order is kept. */
export function forwardRuns(refs: readonly ForwardedRef[]): ForwardRun[] {
  const runs: ForwardRun[] = [];
  for (const r of refs) {
    const last = runs.at(-1);
    if (last && last.chatId === r.chatId && last.messageIds.length < FORWARD_BATCH_MAX && r.messageId > last.messageIds.at(-1)!) last.messageIds.push(r.messageId);
    else runs.push({ chatId: r.chatId, messageIds: [r.messageId] });
  }
  return runs;
}

/** forwardMessages / copyMessages: the new messages' ids. */
export function isMessageIdList(x: unknown): x is Array<{ message_id: number }> {
  return Array.isArray(x) && x.every((m) => isObject(m) && typeof m.message_id === 'number' && Number.isSafeInteger(m.message_id));
}
