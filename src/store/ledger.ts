// A user's consent and a chat's bot membership are kept per bot: a profile may hold several bots,
// and what one user told bot A (started, blocked) says nothing about bot B. A record keeps the
// entry written last in `consent` / `membership` (where older files and readers look) and the
// other bots' entries in `otherConsents` / `otherMemberships`. An entry without a bot (written
// before bots were recorded, or with none configured) holds for any bot that has none of its own.

export interface BotEntry {
  at: number;
  bot?: number;
}

/** The entry for `bot` (its own first, else one without a bot); with no bot given, the latest. */
export function entryFor<T extends BotEntry>(current: T | undefined, others: readonly T[] | undefined, bot: number | undefined): T | undefined {
  if (bot === undefined) return current;
  if (current?.bot === bot) return current;
  const own = others?.find((e) => e.bot === bot);
  if (own) return own;
  return current?.bot === undefined ? current : others?.find((e) => e.bot === undefined);
}

/**
 * `next` becomes the current entry; the previous entries of other bots are kept, those of
 * `next`'s bot replaced. An entry with a bot replaces any entry without one.
 */
export function withEntry<T extends BotEntry>(current: T | undefined, others: readonly T[] | undefined, next: T): { current: T; others: T[] | undefined } {
  const kept = [current, ...(others ?? [])].filter((e): e is T => e !== undefined && e.bot !== next.bot && (next.bot === undefined || e.bot !== undefined));
  return { current: next, others: kept.length > 0 ? kept : undefined };
}

/** Every entry, current first. */
export function allEntries<T extends BotEntry>(current: T | undefined, others: readonly T[] | undefined): T[] {
  return [current, ...(others ?? [])].filter((e): e is T => e !== undefined);
}

/** `incoming` merged in when it is newer than the entry of its bot (an import); undefined when not. */
export function mergedEntry<T extends BotEntry>(current: T | undefined, others: readonly T[] | undefined, incoming: T): { current: T; others: T[] | undefined } | undefined {
  const mine = allEntries(current, others).find((e) => e.bot === incoming.bot);
  return mine && mine.at >= incoming.at ? undefined : withEntry(current, others, { ...incoming });
}
