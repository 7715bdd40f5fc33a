// How a flush merges this process's changes into the document it just re-read under the lock:
// record by record, the newer `updatedAt` wins; a deletion is a tombstone with its time, so a
// forgotten peer is not brought back by a process that still had it in memory; tombstones expire
// after TOMBSTONE_TTL_MS. Print names stay unique across processes: a name already written by
// another process stays with that peer, and a peer that got the same name only in this process's
// memory takes the next free one. Pure: it changes `doc` and reports renames, nothing else.

import { isPlaceholderPrintName, printNameBaseOf, uniquePrintName } from '../peers/print-name.js';
import { peerClassOf, type PeerRecord } from '../peers/types.js';
import type { Changes } from './repository.js';
import { keyOfEntry, TOMBSTONE_TTL_MS, type PeerDoc } from './schema.js';

export interface MergeReport {
  /** Records of this process whose print name changed to keep names unique: key -> new name. */
  renamed: Map<string, string>;
  /** Changes dropped because the file held something newer. */
  superseded: number;
}

type Rec = PeerRecord & Record<string, unknown>;

export function mergeChanges(doc: PeerDoc, changes: Changes, now: number): MergeReport {
  const report: MergeReport = { renamed: new Map(), superseded: 0 };
  // Where each peer is in the file's list, and who holds each print name.
  const at = new Map<string, number>();
  const names = new Map<string, string>();
  doc.peers.forEach((entry, i) => {
    const key = keyOfEntry(entry);
    if (key === undefined) return;
    at.set(key, i);
    const name = (entry as Rec).printName;
    if (typeof name === 'string') names.set(name, key);
  });
  let removed = false;

  for (const [key, ch] of changes.peers) {
    const pos = at.get(key);
    const theirs = pos === undefined ? undefined : (doc.peers[pos] as Rec);
    const theirTime = theirs === undefined ? undefined : typeof theirs.updatedAt === 'number' ? theirs.updatedAt : 0;
    const tomb = doc.tombstones[key];
    if (typeof ch !== 'number') {
      const mine = ch;
      if (theirs === mine) continue;
      const t = mine.updatedAt ?? 0;
      if ((theirTime !== undefined && theirTime > t) || (tomb !== undefined && tomb >= t)) {
        report.superseded++;
        continue;
      }
      let name = mine.printName;
      const cls = peerClassOf(mine.kind);
      // The name the file already gives this peer is kept (stable once given), unless it is only
      // the no-name placeholder and this process has learned a real name.
      if (theirs && typeof theirs.printName === 'string' && theirs.printName !== name) {
        if (!isPlaceholderPrintName(theirs.printName, cls, mine.id) || isPlaceholderPrintName(name, cls, mine.id)) name = theirs.printName;
      }
      const holder = names.get(name);
      if (holder !== undefined && holder !== key) {
        const base = printNameBaseOf({ cls, id: mine.id, firstName: mine.firstName, lastName: mine.lastName, title: mine.title });
        name = uniquePrintName(base, (n) => {
          const h = names.get(n);
          return h !== undefined && h !== key;
        });
      }
      if (theirs && typeof theirs.printName === 'string' && names.get(theirs.printName) === key) names.delete(theirs.printName);
      if (name !== mine.printName) report.renamed.set(key, name);
      const written = name === mine.printName ? mine : { ...mine, printName: name };
      if (pos === undefined) {
        at.set(key, doc.peers.length);
        doc.peers.push(written);
      } else doc.peers[pos] = written;
      names.set(name, key);
      delete doc.tombstones[key];
    } else {
      if (theirTime !== undefined && theirTime > ch) {
        report.superseded++;
        continue;
      }
      if (pos !== undefined) {
        if (theirs && typeof theirs.printName === 'string' && names.get(theirs.printName) === key) names.delete(theirs.printName);
        doc.peers[pos] = undefined;
        at.delete(key);
        removed = true;
      }
      doc.tombstones[key] = Math.max(typeof tomb === 'number' ? tomb : 0, ch);
    }
  }
  if (removed) doc.peers = doc.peers.filter((e) => e !== undefined);

  for (const [name, entry] of changes.state) {
    const theirs = doc.state[name];
    if (!theirs || typeof theirs.updatedAt !== 'number' || theirs.updatedAt <= entry.updatedAt) doc.state[name] = entry;
  }
  expireTombstones(doc, now);
  return report;
}

export function expireTombstones(doc: PeerDoc, now: number): void {
  const cutoff = now - TOMBSTONE_TTL_MS;
  for (const key in doc.tombstones) {
    const at = doc.tombstones[key];
    if (typeof at !== 'number' || at < cutoff) delete doc.tombstones[key];
  }
}
