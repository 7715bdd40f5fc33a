// The name a person reads: `First Last`, or the title; the print name when neither is known.

import type { PeerRecord } from './types.js';

export function displayName(p: PeerRecord): string {
  if (p.title !== undefined) return p.title;
  const name = [p.firstName, p.lastName].filter((s) => s !== undefined && s !== '').join(' ');
  return name || p.printName;
}
