// The storage driver: one JSON document in one file, read and written through conf (the store
// format tgsh is specified to use). conf has no cache and rewrites the whole file on every `set`,
// so the driver only ever reads `conf.store` once and assigns `conf.store` once per flush; it
// never calls get/set per key. What it adds around conf:
//   - directories created 0700, files written 0600 (conf's configFileMode), dot-notation off;
//   - a fingerprint of the file (inode, size, times) so a flush can tell whether anyone else wrote
//     since it last read;
//   - a corrupt or unreadable file is reported to the caller (who moves it aside), never emptied
//     (conf's clearInvalidConfig stays off);
//   - leftovers of writes killed half-way (`<file>.tmp-*`) are removed under the lock.

import fs from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import Conf from 'conf';

export type Doc = Record<string, unknown>;

export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CorruptFileError';
  }
}

export interface DriverOptions {
  /** Turns the document into the file's text (conf's `serialize`). */
  serialize?: (doc: Doc) => string;
  /**
   * conf re-reads and re-parses the whole file on every store assignment, to carry over its own
   * `__internal__` key, unless the document has one. For a big file, give every document that key
   * (one parse per flush instead of two).
   */
  withInternalKey?: boolean;
}

/** Creates a profile folder (and its parents) 0700; tightens the folder itself when it exists. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const st = fs.statSync(dir);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(dir, 0o700);
  } catch {
    // not ours to change
  }
}

/** `<file>.corrupt-20240501T120000123Z`: where a file that cannot be read is moved. */
export function corruptNameOf(file: string, at = new Date()): string {
  return `${file}.corrupt-${at.toISOString().replace(/[-:.]/g, '')}`;
}

export class ConfDriver {
  private conf: Conf<Doc> | undefined;
  /** What conf's constructor parsed (it reads the file once itself); used instead of a second parse. */
  private parsedByConstructor: unknown;
  private capturing = false;

  constructor(
    readonly file: string,
    private readonly opts: DriverOptions = {},
  ) {}

  /** Inode, size and times of the file; undefined when there is none. Changes with every write. */
  fingerprint(): string | undefined {
    try {
      const st = fs.statSync(this.file, { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /**
   * Reads the whole document: undefined when the file does not exist. Throws CorruptFileError when
   * it exists but cannot be read or parsed. `fingerprint` is taken before reading, so a write that
   * lands in between makes the next comparison fail (a needless re-read, never a missed one).
   */
  read(): { doc: Doc | undefined; fingerprint: string | undefined } {
    const fingerprint = this.fingerprint();
    if (fingerprint === undefined) {
      this.open();
      return { doc: undefined, fingerprint };
    }
    try {
      if (!this.conf) {
        this.open();
        const parsed = this.parsedByConstructor;
        this.parsedByConstructor = undefined;
        if (parsed !== undefined && this.fingerprint() === fingerprint) return { doc: asDoc(this.file, parsed), fingerprint };
      }
      return { doc: asDoc(this.file, this.conf!.store), fingerprint };
    } catch (e) {
      if (e instanceof CorruptFileError) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { doc: undefined, fingerprint: undefined };
      this.conf = undefined;
      throw new CorruptFileError(this.file, err.code ? `${err.code}: ${err.message}` : err.message);
    }
  }

  /** Replaces the file with `doc` (atomically: temp file + rename, mode 0600). Returns the new fingerprint. */
  write(doc: Doc): string | undefined {
    this.open();
    if (this.opts.withInternalKey && doc.__internal__ === undefined) doc.__internal__ = {};
    this.conf!.store = doc;
    return this.fingerprint();
  }

  /** Moves the file aside to `<file>.corrupt-<timestamp>`; returns that path. */
  moveAside(): string {
    this.conf = undefined;
    let target = corruptNameOf(this.file);
    for (let n = 1; fs.existsSync(target); n++) target = `${corruptNameOf(this.file)}-${n}`;
    fs.renameSync(this.file, target);
    return target;
  }

  /** Removes temp files of writes that were killed half-way. Call only while holding the lock. */
  removeStaleTemps(): void {
    const dir = dirname(this.file);
    const prefix = basename(this.file) + '.tmp-';
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (!n.startsWith(prefix)) continue;
      try {
        fs.unlinkSync(join(dir, n));
      } catch {
        // ignore
      }
    }
  }

  private open(): void {
    if (this.conf) return;
    ensurePrivateDir(dirname(this.file));
    const ext = extname(this.file);
    this.capturing = true;
    this.parsedByConstructor = undefined;
    try {
      this.conf = new Conf<Doc>({
        cwd: dirname(this.file),
        configName: basename(this.file, ext),
        fileExtension: ext.replace(/^\./, ''),
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        serialize: this.opts.serialize ?? ((v) => JSON.stringify(v, undefined, 2) + '\n'),
        deserialize: (text) => {
          const v = JSON.parse(text) as unknown;
          if (this.capturing) this.parsedByConstructor = v;
          return v as Doc;
        },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.parsedByConstructor = undefined;
      throw new CorruptFileError(this.file, err.code ? `${err.code}: ${err.message}` : err.message);
    } finally {
      this.capturing = false;
    }
  }
}

function asDoc(file: string, v: unknown): Doc {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CorruptFileError(file, 'not a JSON object');
  return v as Doc;
}
