// The getUpdates offset, one per bot (another bot's offset would confirm, and so lose, this bot's
// pending updates), kept as a state entry written in the same flush as the peers it brought.

import type { StoreContext } from './records.js';

export function offsetKey(bot: number | undefined): string {
  return bot === undefined ? 'update_offset' : `update_offset:${bot}`;
}

/** The offset with when it last moved (ms on the store's clock). */
export function updateOffsetEntry(ctx: StoreContext): { value: number; updatedAt: number } | undefined {
  const e = ctx.index.getState(offsetKey(ctx.botId));
  return e && typeof e.value === 'number' && typeof e.updatedAt === 'number' ? { value: e.value, updatedAt: e.updatedAt } : undefined;
}

export function setUpdateOffset(ctx: StoreContext, offset: number): void {
  if (!Number.isSafeInteger(offset)) throw new RangeError(`bad update offset ${offset}`);
  if (updateOffsetEntry(ctx)?.value === offset) return;
  const key = offsetKey(ctx.botId);
  ctx.index.setState(key, { value: offset, updatedAt: ctx.stamp(ctx.index.getState(key)?.updatedAt) });
}
