// Shared by the store tests: temp profiles (never the real ~/.config), a store opened on one, and
// a private build of the store for child processes (they run plain JS, as users do).
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openPeerStore, type OpenStoreOptions } from '../../src/store/index.js';
import type { PeerStore } from '../../src/store/peer-store.js';
import { profilePaths, type ProfilePaths } from '../../src/core/paths.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface TempProfile {
  dir: string;
  paths: ProfilePaths;
  notices: string[];
  cleanup(): void;
}

/** A profile folder under a fresh temp dir (the profile folder itself does not exist yet). */
export function tempProfile(): TempProfile {
  const root = mkdtempSync(join(tmpdir(), 'tgsh-store-'));
  const dir = join(root, 'profiles', 'default');
  return { dir, paths: profilePaths(dir), notices: [], cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function open(p: TempProfile, more: Partial<OpenStoreOptions> = {}): Promise<PeerStore> {
  return openPeerStore({ paths: p.paths, notice: (t) => p.notices.push(t), ...more });
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2024, 4, 1, 12)): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms), set: (ms) => void (t = ms) };
}

/**
 * Compiles src/store (and what it imports) to JS in a private folder inside the project (so that
 * `conf` and `proper-lockfile` resolve), for child processes. Returns the folder; remove it after.
 */
export function buildStoreForChildren(): { dist: string; cleanup(): void } {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'tgsh-store-test-'));
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { outDir: join(dir, 'dist'), rootDir: join(ROOT, 'src'), sourceMap: false, noEmitOnError: false, incremental: false },
      files: [join(ROOT, 'src', 'store', 'index.ts'), join(ROOT, 'src', 'core', 'paths.ts')],
      include: [],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { stdio: 'pipe' });
  } catch (e) {
    // Type errors elsewhere still emit; only a missing output is fatal.
    if (!existsSync(join(dir, 'dist', 'store', 'index.js'))) throw e;
  }
  return { dist: join(dir, 'dist'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StoreFile {
  format: string;
  schema: number;
  /** The records by `<class>:<id>` (entries without a valid kind and id under `invalid:<n>`). */
  peers: Record<string, Record<string, unknown> & { id: number; printName: string }>;
  /** The records as the file lists them. */
  list: unknown[];
  tombstones: Record<string, number>;
  state: Record<string, { value: unknown; updatedAt: number }>;
}

/** Reads peers.json as it is on disk (not through the store), with the records keyed. */
export function readStoreFile(path: string): StoreFile {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Omit<StoreFile, 'peers' | 'list'> & { peers: Array<Record<string, unknown>> };
  const peers: StoreFile['peers'] = {};
  raw.peers.forEach((r, n) => {
    const cls = r.kind === 'user' || r.kind === 'bot' ? 'user' : r.kind === 'chat' ? 'chat' : r.kind === 'channel' || r.kind === 'supergroup' ? 'channel' : undefined;
    peers[cls && typeof r.id === 'number' ? `${cls}:${r.id}` : `invalid:${n}`] = r as StoreFile['peers'][string];
  });
  return { ...raw, peers, list: raw.peers };
}

export const WRITER = join(ROOT, 'test', 'store', 'fixtures', 'writer.mjs');

export interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line matching, or rejects when the child exits first. */
  waitFor(pred: (line: string) => boolean): Promise<string>;
}

export function spawnWriter(dist: string, args: string[]): Child {
  const proc = spawn(process.execPath, [WRITER, dist, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void; reject: (e: Error) => void }> = [];
  let buf = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => stderr.push(d));
  proc.stdin.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    proc.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`writer exited (${code ?? signal}) before the expected line; stderr: ${stderr.join('')}`));
      res({ code, signal });
    });
  });
  return {
    proc,
    lines,
    stderr,
    exited,
    waitFor: (pred) => {
      const hit = lines.find(pred);
      if (hit !== undefined) return Promise.resolve(hit);
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.reject(new Error(`writer already exited; stderr: ${stderr.join('')}`));
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
  };
}
