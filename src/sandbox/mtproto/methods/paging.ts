// Telegram's history paging (messages.getHistory, messages.search), for a user's box and a channel's.

export const LIMIT_MAX = 100;

export interface Paging {
  offsetId: number;
  offsetDate: number;
  addOffset: number;
  limit: number;
  maxId: number;
  minId: number;
}

/**
 * Telegram's history paging over messages newest first: start at the first message older than
 * offset_id (or offset_date; the newest when both are 0), move by add_offset (negative: towards
 * newer messages, so offset_id itself is included), take limit, then drop ids outside
 * (min_id, max_id).
 */
export function page<M extends { id: number; date: number }>(newestFirst: M[], p: Paging): M[] {
  let start = 0;
  if (p.offsetId > 0) {
    start = newestFirst.findIndex((m) => m.id < p.offsetId);
    if (start < 0) start = newestFirst.length;
  } else if (p.offsetDate > 0) {
    start = newestFirst.findIndex((m) => m.date < p.offsetDate);
    if (start < 0) start = newestFirst.length;
  }
  start += p.addOffset;
  const limit = Math.min(Math.max(p.limit, 0), LIMIT_MAX);
  const end = start + limit;
  return newestFirst
    .slice(Math.max(0, start), Math.max(0, end))
    .filter((m) => (p.maxId <= 0 || m.id < p.maxId) && (p.minId <= 0 || m.id > p.minId));
}
