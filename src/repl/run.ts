// The interactive shell (Ink). Placeholder until the REPL lands: falls back to plain lines.
import type { Config } from '../cli/config.js';

export async function runInteractive(_config: Config): Promise<number> {
  process.stderr.write('tgsh: the interactive shell is not built yet; use -R\n');
  return 2;
}
