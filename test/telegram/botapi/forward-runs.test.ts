// fwd as the bot: message refs as the calls the Bot API takes (forwardMessages: one chat, 1 to 100
// ids in a strictly increasing order), the order given kept.
import { describe, expect, it } from 'vitest';
import { forwardRuns, isMessageIdList } from '../../../src/telegram/botapi/forward.js';

const refs = (chatId: number, ...ids: number[]) => ids.map((messageId) => ({ chatId, messageId }));

describe('forwardRuns', () => {
  it('groups consecutive increasing ids of one chat; a drop, a repeat or another chat starts a run', () => {
    expect(forwardRuns(refs(5, 1, 2, 7))).toEqual([{ chatId: 5, messageIds: [1, 2, 7] }]);
    expect(forwardRuns([...refs(5, 3, 1, 2, 2), ...refs(-9, 4), ...refs(5, 5)])).toEqual([
      { chatId: 5, messageIds: [3] },
      { chatId: 5, messageIds: [1, 2] },
      { chatId: 5, messageIds: [2] },
      { chatId: -9, messageIds: [4] },
      { chatId: 5, messageIds: [5] },
    ]);
    expect(forwardRuns([])).toEqual([]);
  });

  it('at most 100 ids a run', () => {
    const runs = forwardRuns(refs(5, ...Array.from({ length: 250 }, (_, i) => i + 1)));
    expect(runs.map((r) => r.messageIds.length)).toEqual([100, 100, 50]);
    expect(runs[1]!.messageIds[0]).toBe(101);
  });

  it('isMessageIdList: an array of {message_id}', () => {
    expect(isMessageIdList([{ message_id: 3 }])).toBe(true);
    expect(isMessageIdList([])).toBe(true);
    expect(isMessageIdList(true)).toBe(false);
    expect(isMessageIdList([{ message_id: '3' }])).toBe(false);
  });
});
