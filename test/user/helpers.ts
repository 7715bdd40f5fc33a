// A sandbox with example_user logged in over MTProto (by code, as a script logs in), and the
// world's ids for the user-account tests.
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { sandboxSession, type SandboxSession, type SessionOptions } from '../helpers/sandbox.js';

export { ALICE, BOB, CAROL, DORA, EVE, EXAMPLE } from '../sandbox/mtproto/account-helpers.js';
export const BOT = 7000000001;

/** A tgsh session on `sandbox` logged in as example_user (a bot token too unless noBot). */
export async function userSession(sandbox: Sandbox, o: SessionOptions = {}): Promise<SandboxSession> {
  const s = await sandboxSession({ ...o, sandbox, args: ['--phone', '+1 555 000 1111', '--code', '12345', ...(o.args ?? [])] });
  const [r] = await s.run('login');
  if (r?.kind !== 'success') throw new Error(`login failed: ${JSON.stringify(r)}`);
  return s;
}

/** One sandbox for the file, and sessions closed after it. */
export function sandboxForFile(): { sandbox: () => Sandbox; keep: <T extends { close(): Promise<void> }>(s: T) => T } {
  let sandbox: Sandbox;
  const open: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    for (const s of open.splice(0).reverse()) await s.close().catch(() => undefined);
    await sandbox.close();
  });
  return {
    sandbox: () => sandbox,
    keep: (s) => {
      open.push(s);
      return s;
    },
  };
}

/** The texts of a user's box with another user, oldest first (the sandbox's own view). */
export function boxTexts(sandbox: Sandbox, owner: number, other: number): string[] {
  return sandbox.world.accounts.account(owner).history({ type: 'user', id: other }).map((m) => m.text);
}
