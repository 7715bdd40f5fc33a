// telegram-cli's print names (tgl's tgl_default_create_print_name), pure:
//   - a user is `first_last` (empty parts skipped), a chat or channel its title;
//   - every character <= ' ' and every `#`, `$`, `@` becomes `_`;
//   - a name already taken gets the first free `#1`, `#2`, ... appended (`John_Smith#1`).
// A peer with no name at all gets `user#N` / `chat#N` / `channel#N`, which is also how the shell
// refers to it by id, so it can never mean another peer.

import type { PeerClass } from './types.js';

/** The print name before uniqueness: parts joined by `_`, unsafe characters replaced. */
export function basePrintName(parts: ReadonlyArray<string | null | undefined>): string {
  const joined = parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('_');
   
  return joined.replace(/[\u0000-\u0020#$@]/g, '_');
}

/** The placeholder a peer without any name gets: what `user#N` references resolve to. */
export function placeholderPrintName(cls: PeerClass, id: number): string {
  return `${cls}#${id}`;
}

export interface PrintNameSource {
  cls: PeerClass;
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  title?: string | null;
}

/** The base print name of a peer (before uniqueness): names for users, the title otherwise. */
export function printNameBaseOf(p: PrintNameSource): string {
  const base = p.cls === 'user' ? basePrintName([p.firstName, p.lastName]) : basePrintName([p.title]);
  return base.length > 0 ? base : placeholderPrintName(p.cls, p.id);
}

/**
 * The first free form of `base`: `base` itself, else `base#1`, `base#2`, ... `taken` says whether a
 * name already belongs to another peer.
 */
export function uniquePrintName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 1; ; n++) {
    const candidate = `${base}#${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** True when a print name is the no-name placeholder of that peer (it is replaced once names arrive). */
export function isPlaceholderPrintName(name: string, cls: PeerClass, id: number): boolean {
  return name === placeholderPrintName(cls, id);
}
