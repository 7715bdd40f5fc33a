// `tgsh sandbox serve` in a process of its own, and whole-process timing of tgsh against it: what
// the benchmarks of new processes (resolve, user) share.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { now } from './lib.js';

/** Starts `tgsh sandbox serve` (bin) with env; resolves with the child and its connection JSON. */
export async function serveSandbox(bin, env, dir) {
  const state = join(dir, 'state.json');
  const child = spawn(process.execPath, [bin, 'sandbox', 'serve', '--state-out', state], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const deadline = Date.now() + 20_000;
  while (!existsSync(state) || readFileSync(state, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error('tgsh sandbox serve did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, connection: JSON.parse(readFileSync(state, 'utf8')) };
}

/** Runs node with args in a new process; its wall time (ms) and stdout. Throws unless it exits 0. */
export function timeRun(env, args) {
  const t = now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = now() - t;
  if (r.status !== 0) throw new Error(`${args.slice(-2).join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return { ms, stdout: r.stdout.toString() };
}
