// Section 5: the bot token never reaches any output. grammY's HttpError carries the request URL
// with the token in it; every failure path is run (5xx with an HTML body, a dropped connection, a
// timeout, a closed port, an unknown host, a refused token, a crash inside a command), through the
// Executor and through the built binary, in text and JSON, and all output is searched for the
// token, its URL-encoded form and its secret half.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { sandboxSession, type SandboxSession } from '../../helpers/sandbox.js';
import { runTgsh } from '../../helpers/cli.js';
import { formatResult } from '../../../src/output/format.js';
import { Executor } from '../../../src/commands/executor.js';
import { Registry, BUILTIN_COMMANDS } from '../../../src/commands/registry.js';
import type { CommandSpec } from '../../../src/commands/types.js';
import { createBotApi } from '../../../src/telegram/botapi/api.js';
import { Secret } from '../../../src/core/secret.js';
import { SANDBOX_BOT_TOKEN } from '../../../src/sandbox/world/default-world.js';

const TOKEN = SANDBOX_BOT_TOKEN;
const FORMS = [TOKEN, encodeURIComponent(TOKEN), TOKEN.slice(TOKEN.indexOf(':') + 1)];

function expectNoToken(output: string, what: string): void {
  for (const f of FORMS) expect(output.includes(f), `${what} shows the token (${f}):\n${output}`).toBe(false);
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

type Fault = { name: string; arm?: (s: SandboxSession) => void; args?: () => Promise<string[]>; env?: Record<string, string>; expect: RegExp };

const FAULTS: Fault[] = [
  { name: '500 with an HTML body', arm: (s) => s.sandbox.botapi.faults.failNext('*', { status: 500, times: Infinity }), expect: /HTTP 500/ },
  { name: '502 with an HTML body', arm: (s) => s.sandbox.botapi.faults.failNext('*', { status: 502, times: Infinity }), expect: /HTTP 502/ },
  { name: 'a dropped connection', arm: (s) => s.sandbox.botapi.faults.dropConnection('*', { times: Infinity }), expect: /connection dropped/ },
  { name: 'a timeout', arm: (s) => s.sandbox.botapi.faults.delay('*', 4000, { times: Infinity }), env: { TGSH_BOT_API_TIMEOUT: '1' }, expect: /timed out/ },
  { name: 'a closed port', args: async () => ['--bot-api-root', `http://127.0.0.1:${await closedPort()}`], expect: /connection refused/ },
  { name: 'an unknown host', args: async () => ['--bot-api-root', 'http://tgsh-no-such-host.invalid'], expect: /host name not found/ },
];

let doc: { dir: string; file: string };
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'tgsh-secret-'));
  const file = join(dir, 'doc.txt');
  writeFileSync(file, 'hello\n');
  doc = { dir, file };
});
afterAll(() => rmSync(doc.dir, { recursive: true, force: true }));

const lines = (): string[] => ['msg 200000001 hi', `send_document 200000001 ${doc.file}`, 'sync', 'start_link abc'];

it('the test is meaningful: grammY errors do carry the token', async () => {
  const api = await createBotApi({ token: new Secret(TOKEN), apiRoot: `http://127.0.0.1:${await closedPort()}` });
  const err = await api.getMe().catch((e: unknown) => e);
  expect(inspect(err)).toContain(TOKEN);
});

describe('through the Executor', () => {
  for (const f of FAULTS) {
    it(`${f.name}: every answer, hint and notice is clean`, async () => {
      const s = await sandboxSession({ args: f.args ? await f.args() : [] });
      try {
        if (f.env?.TGSH_BOT_API_TIMEOUT) (s.config as { botApiTimeoutSeconds?: number }).botApiTimeoutSeconds = Number(f.env.TGSH_BOT_API_TIMEOUT);
        f.arm?.(s);
        let out = '';
        for (const line of lines()) {
          for (const r of await s.run(line)) {
            out += formatResult(r, { json: false, color: false, tty: true }).stdout;
            out += formatResult(r, { json: true, color: false, tty: false }).stdout;
            out += inspect(r, { depth: 10 });
          }
        }
        out += s.notices.join('\n');
        expect(out).toMatch(f.expect);
        expect(out).toContain('--bot-api-root');
        expectNoToken(out, f.name);
      } finally {
        await s.close();
      }
    });
  }

  it('a crash inside a command (an error carrying the URL) is scrubbed', async () => {
    const s = await sandboxSession();
    try {
      const crash: CommandSpec = {
        name: 'crash',
        group: 'shell',
        args: [],
        summary: 'throws like grammY',
        run: () => {
          throw new Error(`request to ${s.sandbox.connection.bot_api_root}/bot${TOKEN}/getMe failed; also /bot${encodeURIComponent(TOKEN)}/x`);
        },
      };
      const ex = new Executor({ config: s.config, services: s.services, registry: new Registry([...BUILTIN_COMMANDS, crash]), mode: 'pipe', notice: () => {} });
      const [r] = await ex.run('crash');
      expect(r).toMatchObject({ kind: 'fail', code: 500 });
      expectNoToken(formatResult(r!, { json: true, color: false, tty: false }).stdout + formatResult(r!, { json: false, color: false, tty: true }).stdout, 'crash');
    } finally {
      await s.close();
    }
  });
});

describe('through the built binary', () => {
  for (const f of FAULTS) {
    it(`${f.name}: stdout and stderr are clean, in text and JSON`, async () => {
      const s = await sandboxSession({ args: [] });
      try {
        f.arm?.(s);
        const extra = f.args ? await f.args() : [];
        let out = '';
        for (const json of [false, true]) {
          const args = [...s.flags, ...extra, ...(json ? ['--json'] : []), ...lines().flatMap((l) => ['-e', l])];
          const r = await runTgsh(args, { env: f.env, timeoutMs: 60_000 });
          expect(r.code, r.stderr).toBe(1);
          out += r.stdout + r.stderr;
        }
        expect(out).toMatch(f.expect);
        expectNoToken(out, f.name);
      } finally {
        await s.close();
      }
    }, 60_000);
  }

  it('a refused token (401) is not echoed either', async () => {
    const s = await sandboxSession();
    try {
      const wrong = '7000000001:this-is-a-wrong-secret';
      const r = await runTgsh([...s.flags, '--bot-token', wrong, '--json', '-e', 'msg 200000001 hi', '-e', 'sync']);
      expect(r.code).toBe(4);
      expect(r.stdout).toContain('401');
      for (const f of [wrong, encodeURIComponent(wrong), 'this-is-a-wrong-secret']) expect(r.stdout + r.stderr).not.toContain(f);
    } finally {
      await s.close();
    }
  });
});
