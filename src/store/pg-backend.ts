// The postgres backend: peers shared by several tgsh processes on several machines through one
// PostgreSQL database (pg-schema.ts). Lookups are synchronous, so open loads every peer into a
// PeerRepository (the resident shape, as conf); a flush writes only the changed rows in one
// transaction under an exclusive advisory lock, merging each with the row the database holds by
// the other backends' rules (newer `updatedAt` wins, tombstones, a print name stays with the peer
// that has it), then takes in every row other processes changed since this one last looked (the
// `seq` column). Writers are serialized by that lock, so sequence numbers commit in order and
// "seq > last seen" misses nothing. Poller locks are session advisory locks on a connection of
// their own (held until released or the process dies, whichever machine it runs on); the holder
// records itself in tgsh_pollers, believed only while pg_locks shows its session holding the lock.

import type { Pool, PoolClient } from 'pg';
import { isPlaceholderPrintName, printNameBaseOf, uniquePrintName } from '../peers/print-name.js';
import { peerClassOf, type PeerRecord } from '../peers/types.js';
import { TgshError, ErrorCode } from '../core/errors.js';
import { hostname } from 'node:os';
import type { Changes, Notice, PeerBackend, PeerIndex, PollerClaim, PollerHolder } from './backend.js';
import { createPool, parsePgUrl, pgFailure, type PgTarget } from './pg-connect.js';
import { ensureSchema, LOCK_CLASS, LOCK_WRITE, PG_SCHEMA } from './pg-schema.js';
import { PeerRepository } from './repository.js';
import { checkRecord, emptyDoc, TOMBSTONE_TTL_MS, type StateEntry } from './schema.js';

interface PeerRow {
  key: string;
  print_name: string;
  updated_at: string;
  data: string;
  seq: string;
}

export class PgBackend implements PeerBackend {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private readonly target: PgTarget;
  private pool: Pool | undefined;
  private pollerClient: PoolClient | undefined;
  private readonly held = new Set<number>();
  private readonly repo = new PeerRepository();
  private lastSeq = 0;
  private newer: number | undefined;
  private notice: Notice = () => {};

  constructor(url: string) {
    this.target = parsePgUrl(url);
    this.location = this.target.location;
  }

  private fail(e: unknown, doing: string): TgshError {
    return pgFailure(e, this.location, doing);
  }

  private async client(doing: string): Promise<PoolClient> {
    if (!this.pool) this.pool = await createPool(this.target, 2);
    try {
      return await this.pool.connect();
    } catch (e) {
      throw this.fail(e, doing);
    }
  }

  async open(notice: Notice): Promise<PeerIndex> {
    this.notice = notice;
    const c = await this.client('opening the peer store');
    try {
      const report = await ensureSchema(c);
      this.newer = report.newer;
      if (this.newer !== undefined) notice(`tgsh: ${this.readOnlyReason()}; it is read, but changes will not be saved`);
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [LOCK_CLASS, LOCK_WRITE]);
      const doc = emptyDoc();
      const peers = await c.query<PeerRow>('SELECT key, data, seq FROM tgsh_peers');
      let seq = 0;
      for (const r of peers.rows) {
        doc.peers.push(parseData(r.data));
        seq = Math.max(seq, Number(r.seq));
      }
      const tombs = await c.query<{ key: string; at: string; seq: string }>('SELECT key, at, seq FROM tgsh_tombstones');
      for (const r of tombs.rows) {
        doc.tombstones[r.key] = Number(r.at);
        seq = Math.max(seq, Number(r.seq));
      }
      const states = await c.query<{ name: string; value: string; updated_at: string; seq: string }>('SELECT name, value, updated_at, seq FROM tgsh_state');
      for (const r of states.rows) {
        doc.state[r.name] = { value: JSON.parse(r.value) as StateEntry['value'], updatedAt: Number(r.updated_at) };
        seq = Math.max(seq, Number(r.seq));
      }
      await c.query('COMMIT');
      this.lastSeq = seq;
      const { skipped } = this.repo.load(doc);
      if (skipped > 0) notice(`tgsh: ${skipped} peer record(s) in ${this.location} could not be read; they are left as they are`);
      return this.repo;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw this.fail(e, 'opening the peer store');
    } finally {
      c.release();
    }
  }

  private readOnlyReason(): string {
    return `${this.location} was written by a newer tgsh (schema ${this.newer}; this one knows ${PG_SCHEMA})`;
  }

  wantsWrite(): boolean {
    return false;
  }

  async apply(changes: Changes, now: number): Promise<void> {
    if (this.newer !== undefined) throw new TgshError(ErrorCode.INTERNAL, this.readOnlyReason(), { hint: 'update tgsh to change this store' });
    const c = await this.client('saving peers');
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_WRITE]);
      // Under the lock nobody else writes: first what the others wrote since this process last
      // looked (so the index names every print name the database holds), then this batch.
      this.takeIn(await this.readSince(c), changes);
      const merged = await this.write(c, changes, now);
      const last = await c.query<{ s: string | null }>('SELECT max(s) AS s FROM (SELECT max(seq) AS s FROM tgsh_peers UNION ALL SELECT max(seq) FROM tgsh_tombstones UNION ALL SELECT max(seq) FROM tgsh_state) m');
      await c.query('COMMIT');
      this.lastSeq = Math.max(this.lastSeq, Number(last.rows[0]?.s ?? 0));
      this.settle(merged);
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw this.fail(e, 'saving peers');
    } finally {
      c.release();
    }
  }

  /** Brings the index in line with what the batch wrote: renames, and rows that won over it. */
  private settle(m: Merged): void {
    const repo = this.repo;
    for (const [key, name] of m.renamed) {
      const rec = repo.get(key);
      if (rec && rec.printName !== name && !repo.isDirty(key)) {
        const before = { printName: rec.printName, usernames: rec.usernames };
        rec.printName = name;
        repo.reindex(rec, before, false);
      }
    }
    for (const [key, data] of m.theirs) {
      if (repo.isDirty(key)) continue;
      if (data === undefined) {
        if (repo.has(key)) repo.evict(key);
        continue;
      }
      const rec = checkRecord(parseData(data));
      if (typeof rec === 'string') continue;
      this.putTheirs(rec, repo.get(key));
    }
  }

  private putTheirs(rec: PeerRecord, mine: PeerRecord | undefined): void {
    const repo = this.repo;
    const holder = repo.byPrintName(rec.printName);
    if (holder && holder !== mine) {
      const hk = `${peerClassOf(holder.kind)}:${holder.id}`;
      const before = { printName: holder.printName, usernames: holder.usernames };
      holder.printName = repo.freePrintName(holder, hk, rec.printName);
      repo.reindex(holder, before, repo.isDirty(hk));
    }
    repo.tombstones.delete(`${peerClassOf(rec.kind)}:${rec.id}`);
    repo.put(rec, { dirty: false, previous: mine });
  }

  /** Merges and writes the changes; returns the records renamed to keep print names unique. */
  private async write(c: PoolClient, changes: Changes, now: number): Promise<Merged> {
    const renamed = new Map<string, string>();
    const theirsWon = new Map<string, string | undefined>();
    const keys = [...changes.peers.keys()];
    const heads = new Map<string, { print_name: string; updated_at: number; data: string }>();
    const tombs = new Map<string, number>();
    if (keys.length > 0) {
      const h = await c.query<PeerRow>('SELECT key, print_name, updated_at, data FROM tgsh_peers WHERE key = ANY($1)', [keys]);
      for (const r of h.rows) heads.set(r.key, { print_name: r.print_name, updated_at: Number(r.updated_at), data: r.data });
      const t = await c.query<{ key: string; at: string }>('SELECT key, at FROM tgsh_tombstones WHERE key = ANY($1)', [keys]);
      for (const r of t.rows) tombs.set(r.key, Number(r.at));
    }
    // Who holds each print name in the database, for the names these changes want.
    const wanted = new Set<string>();
    for (const ch of changes.peers.values()) if (typeof ch !== 'number') wanted.add(ch.printName);
    for (const h of heads.values()) wanted.add(h.print_name);
    const holders = new Map<string, string>();
    if (wanted.size > 0) {
      const r = await c.query<{ key: string; print_name: string }>('SELECT key, print_name FROM tgsh_peers WHERE print_name = ANY($1)', [[...wanted]]);
      for (const row of r.rows) holders.set(row.print_name, row.key);
    }
    // A name not fetched: the repository mirrors the database for every peer not changed here.
    const heldByOther = (n: string, key: string): boolean => {
      if (holders.has(n)) {
        const h = holders.get(n);
        return h !== undefined && h !== '' && h !== key;
      }
      const rec = this.repo.byPrintName(n);
      return rec !== undefined && `${peerClassOf(rec.kind)}:${rec.id}` !== key;
    };
    const upKeys: string[] = [];
    const upNames: string[] = [];
    const upTimes: number[] = [];
    const upData: string[] = [];
    const delKeys: string[] = [];
    const tombKeys: string[] = [];
    const tombAts: number[] = [];
    const untomb: string[] = [];
    for (const [key, ch] of changes.peers) {
      const theirs = heads.get(key);
      const tomb = tombs.get(key);
      if (typeof ch === 'number') {
        if (theirs && theirs.updated_at > ch) {
          theirsWon.set(key, theirs.data);
          continue;
        }
        if (theirs) {
          delKeys.push(key);
          if (holders.get(theirs.print_name) === key) holders.set(theirs.print_name, '');
        }
        tombKeys.push(key);
        tombAts.push(Math.max(tomb ?? 0, ch));
        continue;
      }
      const t = ch.updatedAt ?? 0;
      if ((theirs && theirs.updated_at > t) || (tomb !== undefined && tomb >= t)) {
        theirsWon.set(key, theirs && theirs.updated_at > t ? theirs.data : undefined);
        continue;
      }
      const cls = peerClassOf(ch.kind);
      let name = ch.printName;
      if (theirs && theirs.print_name !== name && (!isPlaceholderPrintName(theirs.print_name, cls, ch.id) || isPlaceholderPrintName(name, cls, ch.id))) name = theirs.print_name;
      if (heldByOther(name, key)) {
        // The index knows every name in the database now (its suffix hints make this cheap);
        // the fetched holders settle the names of rows this batch changes.
        name = this.repo.freePrintName(ch, key, name);
        if (heldByOther(name, key)) {
          const base = printNameBaseOf({ cls, id: ch.id, firstName: ch.firstName, lastName: ch.lastName, title: ch.title });
          name = uniquePrintName(base, (n) => heldByOther(n, key));
        }
      }
      if (theirs && holders.get(theirs.print_name) === key) holders.set(theirs.print_name, '');
      holders.set(name, key);
      if (name !== ch.printName) renamed.set(key, name);
      const rec: PeerRecord = name === ch.printName ? ch : { ...ch, printName: name };
      upKeys.push(key);
      upNames.push(name);
      upTimes.push(t);
      upData.push(JSON.stringify(rec));
      if (tomb !== undefined) untomb.push(key);
    }
    if (delKeys.length > 0) await c.query('DELETE FROM tgsh_peers WHERE key = ANY($1)', [delKeys]);
    if (tombKeys.length > 0) {
      await c.query(
        `INSERT INTO tgsh_tombstones (key, at) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (key) DO UPDATE SET at = excluded.at, seq = nextval('tgsh_seq')`,
        [tombKeys, tombAts],
      );
    }
    if (upKeys.length > 0) {
      // Names move between rows within one batch: free them first (a placeholder that cannot clash),
      // so the unique index never sees two holders.
      await c.query(`UPDATE tgsh_peers SET print_name = chr(1) || key WHERE key = ANY($1)`, [upKeys]);
      await c.query(
        `INSERT INTO tgsh_peers (key, print_name, updated_at, data) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
         ON CONFLICT (key) DO UPDATE SET print_name = excluded.print_name, updated_at = excluded.updated_at, data = excluded.data, seq = nextval('tgsh_seq')`,
        [upKeys, upNames, upTimes, upData],
      );
    }
    if (untomb.length > 0) await c.query('DELETE FROM tgsh_tombstones WHERE key = ANY($1)', [untomb]);
    if (changes.state.size > 0) {
      const names = [...changes.state.keys()];
      const entries = [...changes.state.values()];
      await c.query(
        `INSERT INTO tgsh_state (name, value, updated_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, seq = nextval('tgsh_seq')
         WHERE tgsh_state.updated_at <= excluded.updated_at`,
        [names, entries.map((e) => JSON.stringify(e.value)), entries.map((e) => e.updatedAt)],
      );
    }
    await c.query('DELETE FROM tgsh_tombstones WHERE at < $1', [now - TOMBSTONE_TTL_MS]);
    return { renamed, theirs: theirsWon };
  }

  /** Rows changed since this process last looked (its own writes included). */
  private async readSince(c: PoolClient): Promise<Seen> {
    const since = this.lastSeq;
    const peers = await c.query<PeerRow>('SELECT key, print_name, updated_at, data, seq FROM tgsh_peers WHERE seq > $1 ORDER BY seq', [since]);
    const tombs = await c.query<{ key: string; at: string; seq: string }>('SELECT key, at, seq FROM tgsh_tombstones WHERE seq > $1', [since]);
    const states = await c.query<{ name: string; value: string; updated_at: string; seq: string }>('SELECT name, value, updated_at, seq FROM tgsh_state WHERE seq > $1', [since]);
    let seq = since;
    for (const rows of [peers.rows, tombs.rows, states.rows]) for (const r of rows) seq = Math.max(seq, Number(r.seq));
    return { peers: peers.rows, tombs: tombs.rows, states: states.rows, seq };
  }

  /** Takes other processes' changes into memory (records changed here, or in `batch`, stay). */
  private takeIn(seen: Seen, batch?: Changes): void {
    const repo = this.repo;
    this.lastSeq = Math.max(this.lastSeq, seen.seq);
    const mineNow = (key: string): boolean => repo.isDirty(key) || (batch?.peers.has(key) ?? false);
    // First what was forgotten elsewhere, so its print names are free.
    for (const t of seen.tombs) {
      if (mineNow(t.key)) continue;
      if (repo.has(t.key)) repo.evict(t.key);
      repo.tombstones.set(t.key, Number(t.at));
    }
    for (const r of seen.peers) {
      if (mineNow(r.key)) continue;
      const mine = repo.get(r.key);
      if (mine && mine.updatedAt === Number(r.updated_at) && mine.printName === r.print_name) continue;
      const rec = checkRecord(parseData(r.data));
      if (typeof rec === 'string') {
        this.notice(`tgsh: a peer record in ${this.location} could not be read (${rec}); it is left as it is`);
        continue;
      }
      this.putTheirs(rec, mine);
    }
    for (const s of seen.states) {
      if (repo.pendingChanges().state.has(s.name) || batch?.state.has(s.name)) continue;
      repo.setState(s.name, { value: JSON.parse(s.value) as StateEntry['value'], updatedAt: Number(s.updated_at) }, false);
    }
  }

  private async poller(): Promise<PoolClient> {
    if (!this.pollerClient) {
      if (!this.pool) this.pool = await createPool(this.target, 2);
      try {
        this.pollerClient = await this.pool.connect();
      } catch (e) {
        throw this.fail(e, 'taking the poller lock');
      }
      // A dropped connection frees the server-side lock: forget what we thought we held, and
      // give the dead client back to the pool as broken (else closing the pool waits for it).
      const c = this.pollerClient;
      c.on('error', () => {
        if (this.pollerClient !== c) return;
        this.held.clear();
        this.pollerClient = undefined;
        c.release(true);
      });
    }
    return this.pollerClient;
  }

  async tryAcquirePoller(botId: number, claim?: PollerClaim): Promise<boolean> {
    if (this.held.has(botId)) return true;
    const c = await this.poller();
    try {
      const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [botId]);
      if (r.rows[0]?.ok !== true) return false;
    } catch (e) {
      throw this.fail(e, 'taking the poller lock');
    }
    this.held.add(botId);
    // Who holds it, for the others (pollerHolder). Best effort: a read-only or older database
    // has no row, and the others then say "another tgsh process".
    if (this.newer === undefined) {
      await c
        .query(
          `INSERT INTO tgsh_pollers (bot_id, pid, host, mode, since, backend_pid) VALUES ($1, $2, $3, $4, $5, pg_backend_pid())
           ON CONFLICT (bot_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, mode = excluded.mode, since = excluded.since, backend_pid = excluded.backend_pid`,
          [botId, process.pid, hostname(), claim?.mode ?? 'tgsh', Date.now()],
        )
        .catch(() => {});
    }
    return true;
  }

  async releasePoller(botId: number): Promise<void> {
    if (!this.held.delete(botId) || !this.pollerClient) return;
    await this.pollerClient.query('DELETE FROM tgsh_pollers WHERE bot_id = $1 AND backend_pid = pg_backend_pid()', [botId]).catch(() => {});
    await this.pollerClient.query('SELECT pg_advisory_unlock($1::bigint)', [botId]).catch(() => {});
  }

  holdsPoller(botId: number): boolean {
    return this.held.has(botId);
  }

  async pollerHolder(botId: number): Promise<PollerHolder | undefined> {
    const c = await this.client('asking who polls the bot');
    try {
      // The row counts only while its session holds the bot's advisory lock (one bigint key:
      // pg_locks shows its high half as classid, its low half as objid, objsubid 1).
      const r = await c.query<{ pid: number; host: string; mode: string; since: string }>(
        `SELECT p.pid, p.host, p.mode, p.since FROM tgsh_pollers p
           JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.pid = p.backend_pid AND l.objsubid = 1
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid::bigint = (p.bot_id >> 32) AND l.objid::bigint = (p.bot_id & 4294967295)
          WHERE p.bot_id = $1`,
        [botId],
      );
      const row = r.rows[0];
      return row ? { pid: row.pid, host: row.host, mode: row.mode, since: Number(row.since) } : undefined;
    } catch {
      return undefined; // an older schema without the table: nobody known
    } finally {
      c.release();
    }
  }

  async readState(name: string): Promise<StateEntry | undefined> {
    const c = await this.client('reading the update offset');
    try {
      const r = await c.query<{ value: string; updated_at: string }>('SELECT value, updated_at FROM tgsh_state WHERE name = $1', [name]);
      const row = r.rows[0];
      return row ? { value: JSON.parse(row.value) as StateEntry['value'], updatedAt: Number(row.updated_at) } : undefined;
    } catch (e) {
      throw this.fail(e, 'reading the update offset');
    } finally {
      c.release();
    }
  }

  tombstones(): Iterable<[string, number]> {
    return this.repo.tombstones.entries();
  }

  stateEntries(): Iterable<[string, StateEntry]> {
    return this.repo.state.entries();
  }

  async close(): Promise<void> {
    for (const id of [...this.held]) await this.releasePoller(id);
    this.pollerClient?.release(true);
    this.pollerClient = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => {});
  }

  /** Drops the store's tables (the database itself stays: it may hold other things). */
  async destroy(): Promise<void> {
    const c = await this.client('removing the peer store');
    try {
      await c.query('DROP TABLE IF EXISTS tgsh_peers, tgsh_tombstones, tgsh_state, tgsh_pollers, tgsh_schema_version');
      await c.query('DROP SEQUENCE IF EXISTS tgsh_seq');
    } catch (e) {
      throw this.fail(e, 'removing the peer store');
    } finally {
      c.release();
    }
    await this.close();
    this.repo.load(emptyDoc());
  }
}

interface Merged {
  renamed: Map<string, string>;
  /** Changes the database's row beat: key -> its data, or undefined when a tombstone won. */
  theirs: Map<string, string | undefined>;
}

interface Seen {
  peers: PeerRow[];
  tombs: Array<{ key: string; at: string; seq: string }>;
  states: Array<{ name: string; value: string; updated_at: string; seq: string }>;
  seq: number;
}

function parseData(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}
