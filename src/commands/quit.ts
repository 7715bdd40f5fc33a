import type { CommandSpec } from './types.js';

export const quit: CommandSpec = {
  name: 'quit',
  aliases: ['exit'],
  group: 'shell',
  args: [],
  summary: 'Exits at once',
  help: 'Lines after it are not read. Changes already made are on disk.',
  run() {
    return { kind: 'quit', safe: false };
  },
};

export const safeQuit: CommandSpec = {
  name: 'safe_quit',
  group: 'shell',
  args: [],
  summary: 'Exits once pending work (sends, syncs) is done',
  run() {
    return { kind: 'quit', safe: true };
  },
};
