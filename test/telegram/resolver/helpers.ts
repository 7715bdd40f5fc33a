// A tgsh session on a sandbox with the flags a person would give, minus what a test leaves out
// (the bot token, for user accounts), optionally interactive with scripted answers to `ask`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import { tgshOn, type Tgsh, type TgshOptions } from '../../helpers/sandbox.js';

export type { Asked } from '../../helpers/sandbox.js';

export interface TestShell extends Omit<Tgsh, 'executor'> {
  home: string;
  close(): Promise<void>;
}

export interface ShellOptions extends TgshOptions {
  home?: string;
}

export function testShell(sandbox: Sandbox, o: ShellOptions = {}): TestShell {
  const home = o.home ?? mkdtempSync(join(tmpdir(), 'tgsh-res-'));
  const tgsh = tgshOn(sandbox, home, o);
  return {
    ...tgsh,
    home,
    // Flags for spawning the binary on the same sandbox and home.
    flags: [...tgsh.flags, '--config-dir', home],
    async close() {
      await tgsh.services.close();
      if (!o.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` is true (no fixed sleeps); throws after `ms`. */
export async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
