// Broadcast on its own dependencies (src/broadcast/deps.ts), without a command's context: the
// journals folder, notices, progress and the sender are the ones given here, and the answers are
// broadcast's own data (BroadcastAnswer), not Results.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BroadcastDeps } from '../../src/broadcast/deps.js';
import { runBroadcast } from '../../src/broadcast/run.js';
import { parsePeerRef, type PeerRef } from '../../src/peers/ref.js';
import { resolveSendTarget } from '../../src/telegram/botapi/target.js';
import { sandboxSession, type SandboxSession } from '../helpers/sandbox.js';
import { DEFAULT_USERS, seedStore } from './helpers.js';

let s: SandboxSession | undefined;
let journals: string | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  if (journals) rmSync(journals, { recursive: true, force: true });
  journals = undefined;
});

function ref(text: string): PeerRef {
  const r = parsePeerRef(text);
  if (!r.ok) throw new Error(r.error);
  return r.ref;
}

describe('broadcast with explicit dependencies', () => {
  it('sends, journals in the folder given, draws its bar on the sink given, and answers data', async () => {
    s = await sandboxSession();
    await seedStore(s, DEFAULT_USERS);
    const services = s.services;
    journals = mkdtempSync(join(tmpdir(), 'tgsh-bc-deps-'));
    const notices: string[] = [];
    const drawn: string[] = [];
    const whats: string[] = [];
    const notice = (t: string): void => void notices.push(t);
    const deps: BroadcastDeps = {
      sender: (what) => {
        whats.push(what);
        return services.botSender(notice, what);
      },
      store: () => services.store(notice),
      resolve: async (r) => resolveSendTarget(r, { resolver: (n) => services.resolver(n), store: await services.store(notice), sender: await services.botSender(notice, 'test'), notice }),
      journals: join(journals, 'broadcasts'),
      profile: 'elsewhere',
      notice,
      signal: new AbortController().signal,
      progress: { write: (t) => void drawn.push(t), columns: 100 },
      quiet: false,
      interactive: false,
      maxWaitSeconds: 10,
    };

    const a = await runBroadcast(deps, {
      kind: 'new',
      source: { kind: 'peers', inputs: ['@alice_started', '@bob_blocked'].map((l) => ({ ref: ref(l), label: l })) },
      message: { text: 'hello all' },
      force: false,
    });
    expect(a.kind).toBe('run');
    if (a.kind !== 'run') return;
    const { report } = a;
    expect(report.states.map((x) => [x.peer, x.status])).toEqual([
      ['@alice_started', 'sent'],
      ['@bob_blocked', 'skipped'],
    ]);
    expect(whats).toEqual(['broadcast']);
    expect(readdirSync(join(journals, 'broadcasts'))).toEqual([`${report.id}.jsonl`]);
    expect(existsSync(services.paths.journals)).toBe(false);
    expect(notices.some((n) => n.startsWith(`tgsh: broadcast ${report.id}: 1 to send, 1 skipped`))).toBe(true);
    expect(drawn.join('')).toContain(`broadcast ${report.id} `);
    expect(s.sandbox.world.received(200000001).at(-1)?.text).toBe('hello all');

    const st = await runBroadcast(deps, { kind: 'status', id: report.id });
    expect(st).toMatchObject({ kind: 'status', status: { id: report.id, state: 'finished', text: 'hello all' } });
    const list = await runBroadcast(deps, { kind: 'list' });
    expect(list).toMatchObject({ kind: 'list', broadcasts: [{ id: report.id, state: 'finished', counts: { total: 2, sent: 1, skipped: 1 } }] });

    expect(await runBroadcast(deps, { kind: 'status', id: '20261101-120301-zzzz' })).toEqual({
      kind: 'refused',
      code: 2,
      error: 'no broadcast 20261101-120301-zzzz in profile elsewhere',
      hint: "'broadcast --list' shows the broadcasts of this profile",
    });
    expect(await runBroadcast(deps, { kind: 'resume', id: 'nope', resendUnknown: false })).toMatchObject({ kind: 'refused', code: 22 });
  });
});
