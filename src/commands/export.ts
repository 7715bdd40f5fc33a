import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode } from '../core/errors.js';
import { fail, success } from './result.js';
import { type JsonValue } from '../core/json.js';
import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const exportPeers: CommandSpec = {
  name: 'export',
  group: 'store',
  args: [{ name: 'file', kind: 'file_name', optional: true }],
  summary: 'Writes every known peer as a JSON document (to FILE, or to stdout with - or nothing)',
  help: 'A versioned document that `import` reads back. Credentials and settings are never in it. The file is written 0600.',
  async run(ctx, { args }) {
    const store = await storeOf(ctx);
    const doc = store.exportDocument();
    const file = args.file as string | undefined;
    if (file === undefined || file === '-') {
      return { kind: 'text', text: JSON.stringify(doc, undefined, 2), json: doc as unknown as JsonValue };
    }
    const path = resolve(file);
    const tmp = `${path}.tmp-${process.pid}-${Buffer.from(crypto.getRandomValues(new Uint8Array(3))).toString('hex')}`;
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(doc, undefined, 2) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean
      }
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return fail(ErrorCode.NO_SUCH_FILE, `no such directory for '${file}'`);
      if (err.code === 'EISDIR') return fail(ErrorCode.BAD_ARGUMENT, `'${file}' is a directory`);
      return fail(ErrorCode.BAD_ARGUMENT, `can not write '${file}': ${err.code ?? err.message}`);
    }
    return success({ exported: doc.count, file: path });
  },
};
