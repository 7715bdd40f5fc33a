// Everything the shell draws with, in one module that run.ts imports once the provisional prompt
// is on screen. In the bundled CLI (scripts/bundle.js) this is one chunk with ink and react in it.

export { render } from 'ink';
export { createElement } from 'react';
export { ShellApp } from './app.js';
