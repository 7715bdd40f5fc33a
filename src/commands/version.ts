import { version as pkgVersion } from '../core/version.js';
import type { CommandSpec } from './types.js';

export const version: CommandSpec = {
  name: 'version',
  group: 'shell',
  args: [],
  summary: 'Prints the version of tgsh',
  run() {
    return { kind: 'fields', fields: [['version', `tgsh ${pkgVersion()}`]] };
  },
};
