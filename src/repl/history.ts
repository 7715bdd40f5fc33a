// Shell history: up/down navigation (keeping the line being edited), and a per-profile file of the
// last lines typed (mode 0600 in a 0700 folder). Lines that look like secrets are never kept.

import { appendFileSync, chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Secret } from '../core/secret.js';

export const HISTORY_MAX = 1000;

/** A Bot API token anywhere in the line (`123456:AA...`). */
const TOKEN_SHAPE = /\d+:[A-Za-z0-9_-]{30,}/;

/** True when a typed line may be written to the history file. */
export function mayKeep(line: string, secrets: Iterable<Secret | string | undefined> = []): boolean {
  if (line.trim() === '') return false;
  if (TOKEN_SHAPE.test(line)) return false;
  for (const s of secrets) {
    const v = typeof s === 'string' ? s : s?.reveal();
    if (v && v.length >= 4 && line.includes(v)) return false;
  }
  return true;
}

export interface HistoryStore {
  load(): string[];
  append(line: string): void;
  /** Trims the file to the last `max` lines. */
  close(): void;
}

/**
 * One line per entry, appended as lines are typed (so two shells on one profile both keep theirs).
 * The file is trimmed back to `max` lines at start, at exit, and whenever it passes max + 10%.
 */
export class HistoryFile implements HistoryStore {
  private lines = 0;
  private prepared = false;

  constructor(
    readonly path: string,
    readonly max = HISTORY_MAX,
  ) {}

  load(): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const all = text.split('\n').filter((l) => l !== '');
    this.lines = all.length;
    this.prepare();
    if (all.length > this.max) this.rewrite(all.slice(-this.max));
    return all.slice(-this.max);
  }

  append(line: string): void {
    this.prepare();
    appendFileSync(this.path, line + '\n', { mode: 0o600 });
    this.lines++;
    if (this.lines > this.max + Math.ceil(this.max / 10)) this.trim();
  }

  close(): void {
    if (this.lines > this.max) this.trim();
  }

  private trim(): void {
    const all = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    this.rewrite(all.slice(-this.max));
  }

  private rewrite(lines: string[]): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, lines.map((l) => l + '\n').join(''), { mode: 0o600 });
    renameSync(tmp, this.path);
    this.lines = lines.length;
  }

  /** Creates the folder (0700) and makes sure an existing file is 0600. */
  private prepare(): void {
    if (this.prepared) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    try {
      if ((statSync(this.path).mode & 0o777) !== 0o600) chmodSync(this.path, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.prepared = true;
  }
}

export interface HistoryOptions {
  store?: HistoryStore;
  max?: number;
  /** Values that must never be written (the configured token, api hash, password). */
  secrets?: Array<Secret | string | undefined>;
  /** Called once when the file cannot be read or written; history then stays in memory. */
  onError?: (message: string) => void;
}

export class History {
  private entries: string[] = [];
  /** Index of the entry shown while browsing; entries.length when not browsing. */
  private index = 0;
  private draft = '';
  private failed = false;
  private readonly max: number;

  constructor(private readonly o: HistoryOptions = {}) {
    this.max = o.max ?? HISTORY_MAX;
  }

  load(): void {
    if (!this.o.store) return;
    try {
      this.entries = this.o.store.load().slice(-this.max);
    } catch (e) {
      this.fail('read', e);
    }
    this.index = this.entries.length;
  }

  get lines(): readonly string[] {
    return this.entries;
  }

  /** Records a submitted line (in memory and on disk) unless it is blank, repeated or secret. */
  add(line: string): void {
    this.index = this.entries.length;
    this.draft = '';
    if (!mayKeep(line, this.o.secrets)) return;
    if (this.entries[this.entries.length - 1] === line) return;
    this.entries.push(line);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    this.index = this.entries.length;
    if (this.o.store && !this.failed) {
      try {
        this.o.store.append(line);
      } catch (e) {
        this.fail('write', e);
      }
    }
  }

  /** The older entry, or undefined at the oldest. `current` is kept as the draft. */
  up(current: string): string | undefined {
    if (this.index === 0) return undefined;
    if (this.index === this.entries.length) this.draft = current;
    this.index--;
    return this.entries[this.index];
  }

  /** The newer entry, the draft after the newest, or undefined when not browsing. */
  down(): string | undefined {
    if (this.index >= this.entries.length) return undefined;
    this.index++;
    return this.index === this.entries.length ? this.draft : this.entries[this.index];
  }

  /** Stops browsing (the line was edited away or submitted). */
  reset(): void {
    this.index = this.entries.length;
    this.draft = '';
  }

  close(): void {
    if (!this.o.store || this.failed) return;
    try {
      this.o.store.close();
    } catch (e) {
      this.fail('write', e);
    }
  }

  private fail(what: string, e: unknown): void {
    this.failed = true;
    const err = e as NodeJS.ErrnoException;
    this.o.onError?.(`history: cannot ${what} the history file (${err.code ?? err.message}); history is kept for this session only`);
  }
}
