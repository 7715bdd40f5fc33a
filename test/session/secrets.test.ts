// Whatever a command throws leaves the executor with every secret of the process scrubbed: the
// configured ones and, once the store is open, the stored bot token and MTProto session strings.
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { Services } from '../../src/session/services.js';
import { Executor } from '../../src/commands/executor.js';
import { Registry } from '../../src/commands/registry.js';
import { tempHome } from '../helpers/cli.js';
import { Secret } from '../../src/core/secret.js';

const homes: Array<{ cleanup(): void }> = [];
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup();
});

// Built at run time so that no token-shaped string sits in the source.
const STORED_TOKEN = ['7000000009', 'stored-token-from-an-earlier-run-xyz'].join(':');
const SESSION = '1' + 'A'.repeat(40) + 'session-string';
const SAVED_HASH = 'fedcba98765432100123456789abcdef';

describe('secrets', () => {
  it('a failure quoting the stored bot token, a saved api hash or a saved MTProto session shows none of them', async () => {
    const home = tempHome();
    homes.push(home);
    const cli = parseCli(['--config-dir', home.dir, '--api-hash', 'configured-api-hash-0123']);
    if (!cli.ok) throw new Error(cli.error);
    const resolved = resolveConfig(cli.options, {}, false);
    if (!resolved.ok) throw new Error(resolved.error);
    const services = new Services(resolved.config);
    try {
      const store = await services.store();
      await store.credentials.setBotToken(STORED_TOKEN);
      await store.credentials.setSession('127.0.0.1:443', SESSION);
      await store.credentials.saveTelegram({ apiId: 17349, apiHash: new Secret(SAVED_HASH) });
      const leaky = new Registry([
        {
          name: 'leak',
          args: [],
          summary: 'throws an error quoting every secret',
          group: 'shell',
          run: () => {
            throw new Error(`GET /bot${STORED_TOKEN}/getMe failed; session ${SESSION}; hash configured-api-hash-0123; saved ${SAVED_HASH}`);
          },
        },
      ]);
      const executor = new Executor({ config: resolved.config, services, registry: leaky, mode: 'pipe', notice: () => undefined });
      const [r] = await executor.run('leak');
      const text = JSON.stringify(r);
      expect(r).toMatchObject({ kind: 'fail' });
      expect(text).toContain('7000000009:***'); // which token, not the token
      for (const s of [STORED_TOKEN, SESSION, 'configured-api-hash-0123', SAVED_HASH]) expect(text).not.toContain(s);
    } finally {
      await services.close();
    }
  });
});
