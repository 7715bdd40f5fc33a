// The storage driver: one JSON document in one file, written through conf (the store format tgsh
// is specified to use) and read with plain fs + JSON.parse: conf costs ~70 ms to import, and a
// command that only reads (a resolve the store answers) must not pay it. conf is imported on the
// first write. conf has no cache and rewrites the whole file on every `set`, so the driver assigns
// `conf.store` once per flush; it never calls get/set per key. What it adds around conf:
//   - directories created 0700, files written 0600 (conf's configFileMode), dot-notation off;
//   - a fingerprint of the file (inode, size, times) so a flush can tell whether anyone else wrote
//     since it last read;
//   - a corrupt or unreadable file is reported to the caller (who moves it aside), never emptied
//     (conf's clearInvalidConfig stays off);
//   - leftovers of writes killed half-way (`<file>.tmp-*`) are removed under the lock.

import { jsonSyntaxProblem } from '../core/json.js';
import fs from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type Conf from 'conf';

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
   * Plain fs + JSON.parse, as conf's own read does (its `deserialize` is JSON.parse here too).
   */
  read(): { doc: Doc | undefined; fingerprint: string | undefined } {
    const fingerprint = this.fingerprint();
    if (fingerprint === undefined) return { doc: undefined, fingerprint };
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { doc: undefined, fingerprint: undefined };
      throw new CorruptFileError(this.file, err.code ? `${err.code}: ${err.message}` : err.message);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never JSON.parse's message: it quotes the text around the fault, and a credentials file
      // holds secrets there. Where it is (line, column) is enough to find it.
      throw new CorruptFileError(this.file, jsonSyntaxProblem(text));
    }
    return { doc: asDoc(this.file, parsed), fingerprint };
  }

  /** Replaces the file with `doc` (atomically: temp file + rename, mode 0600). Returns the new fingerprint. */
  async write(doc: Doc): Promise<string | undefined> {
    const conf = await this.open();
    if (this.opts.withInternalKey && doc.__internal__ === undefined) doc.__internal__ = {};
    conf.store = doc;
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

  /** conf for writing, imported and created on the first write. */
  private async open(): Promise<Conf<Doc>> {
    if (this.conf) return this.conf;
    const { default: ConfClass } = await import('conf');
    if (this.conf) return this.conf;
    ensurePrivateDir(dirname(this.file));
    const ext = extname(this.file);
    let constructing = true;
    try {
      this.conf = new ConfClass<Doc>({
        cwd: dirname(this.file),
        configName: basename(this.file, ext),
        fileExtension: ext.replace(/^\./, ''),
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        serialize: this.opts.serialize ?? ((v) => JSON.stringify(v, undefined, 2) + '\n'),
        // conf reads the whole file in its constructor; the driver reads for itself, so that
        // read is skipped (a big store would be parsed for nothing). Before an assignment without
        // `__internal__` conf reads the file again, and ignores what it cannot parse.
        deserialize: (text) => (constructing ? {} : (JSON.parse(text) as Doc)),
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new CorruptFileError(this.file, err.code ? `${err.code}: ${err.message}` : err.message);
    } finally {
      constructing = false;
    }
    return this.conf;
  }
}

function asDoc(file: string, v: unknown): Doc {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CorruptFileError(file, 'not a JSON object');
  return v as Doc;
}
