// The README's promises: the quick start and the command reference match the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandRegistry } from '../src/commands/registry.js';
import { commandReference } from '../src/commands/reference.js';
import { ROOT } from './helpers/cli.js';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('lists every command exactly as the registry has it (run `npm run docs` after changing commands)', () => {
    expect(readme).toContain(commandReference(commandRegistry()));
  });

  it('has a quick start of exactly npm install and npm start, and npm test', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5));
    const commands = [...quick.matchAll(/^\s*(npm [a-z]+)/gm)].map((m) => m[1]);
    expect(commands).toEqual(['npm install', 'npm start', 'npm test']);
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
    expect(pkg.scripts.prepare).toContain('build');
  });
});
