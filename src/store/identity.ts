// Who a profile is logged in as (kept in credentials.json). No imports: Services uses it without
// loading the store.

export interface Identity {
  kind: 'bot' | 'user';
  id: number;
  username?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  /** When it was learned (unix ms). */
  at: number;
}

/** `My bot @my_bot (bot #123)`: who is logged in, for `stats`. */
export function describeIdentity(i: Identity): string {
  const name = [i.first_name, i.last_name].filter((s) => s).join(' ');
  const parts = [name, i.username ? '@' + i.username : ''].filter((s) => s);
  return `${parts.join(' ')}${parts.length ? ' ' : ''}(${i.kind} #${i.id})`;
}
