// The FAIL a thrown error stands for: TgshErrors as they are, secrets scrubbed, and a part of
// tgsh's own build gone since start-up (a rebuild under a running shell) told as such, not as a bug.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { failResultOf } from '../../src/commands/fail-result.js';
import { TgshError } from '../../src/core/errors.js';
import { Secret } from '../../src/core/secret.js';

async function importError(path: string): Promise<unknown> {
  try {
    await import(pathToFileURL(path).href);
  } catch (e) {
    return e;
  }
  throw new Error(`${path} imported`);
}

describe('failResultOf', () => {
  it('keeps a TgshError, with secrets scrubbed from its text and hint', () => {
    const token = new Secret('123:SECRET-token');
    const f = failResultOf(new TgshError(22, 'bad 123:SECRET-token', { hint: 'not 123:SECRET-token' }), [token]);
    expect(f).toMatchObject({ kind: 'fail', code: 22 });
    expect(JSON.stringify(f)).not.toContain('SECRET');
  });

  it('a chunk of the bundle gone since start-up: restart tgsh, not "a bug in tgsh"', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tgsh-gone-'));
    try {
      const gone = await importError(join(root, 'dist', 'bundle', 'sending-ABC.js'));
      expect((gone as NodeJS.ErrnoException).code).toBe('ERR_MODULE_NOT_FOUND');
      const f = failResultOf(gone, []);
      expect(f.error).toBe('tgsh was rebuilt or updated while this process ran: a part it had not loaded yet is gone');
      expect(f.hint).toBe('restart tgsh');

      // Any other missing module is still a bug to report.
      const other = failResultOf(await importError(join(root, 'elsewhere', 'x.js')), []);
      expect(other.error).toMatch(/^internal error: Cannot find module/);
      expect(other.hint).toContain('this is a bug in tgsh');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
