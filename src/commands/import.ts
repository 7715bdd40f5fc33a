import { readFileSync } from 'node:fs';
import { ErrorCode } from '../core/errors.js';
import { fail, success } from './result.js';
import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const importPeers: CommandSpec = {
  name: 'import',
  group: 'store',
  args: [{ name: 'file', kind: 'file_name' }],
  summary: "Merges peers from a file written by 'export' (or another profile's peers.json)",
  help: 'The whole file is checked first: an invalid file changes nothing. Known peers keep their print names; newer facts win.',
  async run(ctx, { args }) {
    const file = args.file as string;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return fail(ErrorCode.NO_SUCH_FILE, `no such file '${file}'`);
      if (err.code === 'EISDIR') return fail(ErrorCode.BAD_ARGUMENT, `'${file}' is a directory`);
      return fail(ErrorCode.BAD_ARGUMENT, `can not read '${file}': ${err.code ?? err.message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return fail(ErrorCode.BAD_ARGUMENT, `import: '${file}' is not JSON (${(e as Error).message})`, { hint: "import takes a file written by 'export'" });
    }
    const store = await storeOf(ctx);
    const r = store.importDocument(doc);
    return success({ added: r.added, updated: r.updated, unchanged: r.unchanged });
  },
};
