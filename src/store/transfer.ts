// Export and import: every peer as a versioned document (no credentials, no settings), and the
// merge of such a document (or another profile's peers.json) into the store: per record the
// newer facts win, per bot the newer ledger entry, print names stay unique.

import { botApiChatIdOf, peerClassOf, type PeerRecord, type PeerSource } from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { isObject } from '../core/json.js';
import { allEntries, mergedEntry } from './ledger.js';
import type { BulkAdd } from './backend.js';
import { dedupeUsernames, sameList, setConsents, setMemberships, type StoreContext } from './records.js';
import { hasPlaceholderName } from './repository.js';
import { checkImportRecord, CURRENT_SCHEMA, keyOf, migrate, PEERS_FORMAT } from './schema.js';

export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
}

export const EXPORT_FORMAT = 'tgsh-export';
export const EXPORT_VERSION = 1;

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: number;
  exported_at: string;
  peer_schema: number;
  count: number;
  peers: PeerRecord[];
}

/** Fields importedRecord sets itself (the others are copied as they are, but updatedAt). */
const BUILT = new Set(['kind', 'id', 'usernames', 'printName', 'botApiChatId', 'sources', 'firstSeen', 'lastSeen', 'updatedAt']);

/**
 * A new record from an imported one, built field by field: no `delete` (a deleted property turns
 * the object into a slow dictionary) and the same leading shape for every record.
 */
function importedRecord(r: PeerRecord, now: number): PeerRecord {
  const given = r.sources;
  const sources: PeerSource[] = !given || given.length === 0 ? ['import'] : given.includes('import') ? [...new Set(given)] : [...new Set(given), 'import'];
  const rec: PeerRecord = {
    kind: r.kind,
    id: r.id,
    usernames: dedupeUsernames(r.usernames ?? []),
    printName: '',
    botApiChatId: botApiChatIdOf(r.kind, r.id),
    sources,
    firstSeen: r.firstSeen ?? now,
    lastSeen: r.lastSeen ?? r.firstSeen ?? now,
  };
  const from = r as unknown as Record<string, unknown>;
  const to = rec as unknown as Record<string, unknown>;
  for (const k in from) if (!BUILT.has(k) && from[k] !== undefined) to[k] = from[k];
  return rec;
}

/** Every peer as a versioned document (no credentials, no settings). */
export function exportDocument(ctx: StoreContext): ExportDocument {
  const order: Record<string, number> = { user: 0, chat: 1, channel: 2 };
  const peers = [...ctx.index.values()].sort((a, b) => order[peerClassOf(a.kind)] - order[peerClassOf(b.kind)] || a.id - b.id);
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exported_at: new Date(ctx.clock()).toISOString(),
    peer_schema: CURRENT_SCHEMA,
    count: peers.length,
    peers,
  };
}

/**
 * Merges an export document (or another profile's peers.json). Everything is checked first: an
 * invalid document changes nothing and throws a TgshError (code 22) saying what is wrong.
 */
export function importDocument(ctx: StoreContext, raw: unknown): ImportReport {
  const { records, keys } = checkedRecords(raw);
  const report: ImportReport = { added: 0, updated: 0, unchanged: 0 };
  // A big import into an empty sqlite file is written while it runs (sqlite-bulk.ts).
  const bulk = ctx.index.startBulkAdd?.(keys);
  for (let i = 0; i < records.length; i++) report[importOne(ctx, records[i], keys[i], bulk)]++;
  return report;
}

function importOne(ctx: StoreContext, r: PeerRecord, key: string, bulk: BulkAdd | undefined): keyof ImportReport {
  const existing = bulk ? undefined : ctx.index.get(key);
  const now = ctx.clock();
  if (!existing) {
    const rec = importedRecord(r, now);
    rec.printName = r.printName && !ctx.index.isPrintNameTaken(r.printName, key) && !/[\s#$@]/.test(r.printName.replace(/#\d+$/, '')) ? r.printName : ctx.index.freePrintName(rec, key);
    if (hasPlaceholderName(rec) && (rec.firstName || rec.lastName || rec.title)) rec.printName = ctx.index.freePrintName({ ...rec, printName: '' }, key);
    rec.updatedAt = ctx.stamp();
    if (bulk) bulk.add(key, rec);
    else ctx.index.put(rec);
    return 'added';
  }
  const before = { printName: existing.printName, usernames: [...existing.usernames] };
  const e = existing as unknown as Record<string, unknown>;
  const i = r as unknown as Record<string, unknown>;
  const newer = (r.lastSeen ?? 0) > existing.lastSeen;
  let changed = false;
  for (const f of ['firstName', 'lastName', 'title', 'phone', 'bio', 'accessHash', 'flags', 'lastOnline', 'members', 'admins'] as const) {
    if (i[f] !== undefined && (e[f] === undefined || newer) && e[f] !== i[f]) {
      e[f] = i[f];
      changed = true;
    }
  }
  if (newer && r.kind !== existing.kind) {
    existing.kind = r.kind;
    changed = true;
  }
  if (r.usernames && (r.usernamesCheckedAt ?? 0) > (existing.usernamesCheckedAt ?? 0) && !sameList(r.usernames, existing.usernames)) {
    existing.usernames = dedupeUsernames(r.usernames);
    existing.usernamesCheckedAt = r.usernamesCheckedAt;
    changed = true;
  }
  const minMax = (f: 'firstSeen' | 'lastSeen' | 'lastInteraction', pick: (a: number, b: number) => number): void => {
    const v = r[f];
    if (v === undefined) return;
    const cur = existing[f];
    const next = cur === undefined ? v : pick(cur, v);
    if (next !== cur) {
      existing[f] = next;
      changed = true;
    }
  };
  minMax('firstSeen', Math.min);
  minMax('lastSeen', Math.max);
  minMax('lastInteraction', Math.max);
  // Per bot, the newer entry wins.
  for (const c of allEntries(r.consent, r.otherConsents)) {
    const merged = mergedEntry(existing.consent, existing.otherConsents, c);
    if (!merged) continue;
    setConsents(existing, merged);
    changed = true;
  }
  for (const m of allEntries(r.membership, r.otherMemberships)) {
    const merged = mergedEntry(existing.membership, existing.otherMemberships, m);
    if (!merged) continue;
    setMemberships(existing, merged);
    changed = true;
  }
  if (!existing.sources.includes('import')) {
    existing.sources = [...existing.sources, 'import'];
    changed = true;
  }
  if (!changed) return 'unchanged';
  if (hasPlaceholderName(existing) && (existing.firstName || existing.lastName || existing.title)) existing.printName = ctx.index.freePrintName(existing, key);
  existing.updatedAt = ctx.stamp(existing.updatedAt);
  ctx.index.reindex(existing, before);
  return 'updated';
}

/** The records of an import document, all checked; throws TgshError 22 naming the problems. */
export function importRecords(raw: unknown): PeerRecord[] {
  return checkedRecords(raw).records;
}

/** importRecords, with each record's key (computed once, for the duplicate check). */
function checkedRecords(raw: unknown): { records: PeerRecord[]; keys: string[] } {
  const bad = (msg: string): never => {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `import: ${msg}`, { hint: "import takes a file written by 'export'" });
  };
  if (!isObject(raw)) return bad('the file is not a JSON object');
  let list: unknown[];
  if (raw.format === EXPORT_FORMAT) {
    if (typeof raw.version !== 'number' || raw.version > EXPORT_VERSION) return bad(`export version ${JSON.stringify(raw.version ?? null)} is newer than this tgsh reads (${EXPORT_VERSION})`);
    if (!Array.isArray(raw.peers)) return bad('"peers" is not a list');
    list = raw.peers;
  } else if (raw.format === PEERS_FORMAT || raw.version === 1) {
    let m: ReturnType<typeof migrate>;
    try {
      m = migrate(raw);
    } catch (e) {
      return bad((e as Error).message);
    }
    list = m.doc.peers;
  } else return bad(`not a tgsh export (format ${JSON.stringify(raw.format ?? null)})`);
  const errors: string[] = [];
  const out: PeerRecord[] = [];
  const keys: string[] = [];
  const seen = new Set<string>();
  list.forEach((item, n) => {
    const r = checkImportRecord(item);
    if (typeof r === 'string') errors.push(`peer #${n + 1}: ${r}`);
    else {
      const key = keyOf(r);
      if (seen.has(key)) errors.push(`peer #${n + 1}: ${key} appears twice`);
      seen.add(key);
      out.push(r);
      keys.push(key);
    }
  });
  if (errors.length > 0) bad(`${errors.length} invalid peer(s): ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? '; ...' : ''}`);
  return { records: out, keys };
}
