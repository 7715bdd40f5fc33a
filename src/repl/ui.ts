// Everything the shell draws with, in one module: `npm run build` bundles it (with ink and react)
// into ui.bundle.js, which loads several times faster than ink's ~400 separate files. run.ts
// imports the bundle, or this module when the bundle is missing.

export { render } from 'ink';
export { createElement } from 'react';
export { ShellApp } from './app.js';
