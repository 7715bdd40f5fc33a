// `npm run docs`: rewrites the command reference block in README.md from the command registry.
import { readFileSync, writeFileSync } from 'node:fs';
import { commandRegistry } from '../dist/commands/registry.js';
import { commandReference, REFERENCE_END, REFERENCE_START } from '../dist/commands/reference.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(REFERENCE_START);
const end = readme.indexOf(REFERENCE_END);
if (start < 0 || end < 0) throw new Error('README.md has no command reference markers');
writeFileSync(path, readme.slice(0, start) + commandReference(commandRegistry()) + readme.slice(end + REFERENCE_END.length));
console.log('README.md command reference updated');
