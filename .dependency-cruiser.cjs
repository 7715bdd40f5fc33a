// The layering of src/, lowest first. A module may import from its own layer and the layers
// below it, never from one above; no import cycle of any kind (type-only imports count).
// ARCHITECTURE.md draws the same order. `npm run lint` runs this check (CI too).
const LAYERS = [
  ['core'], // shared types, errors, JSON, config and profile paths, secrets
  ['peers'], // peer and message data: ids, print names, permanent ids, references
  ['store'], // the peer store behind its backends, credentials, settings
  ['sandbox'], // the offline Telegram (an MTProto data centre, a Bot API server)
  ['telegram'], // transports: the MTProto link, the resolver, senders, the update poller
  ['broadcast'], // an application of the sender: one text to many, journalled
  ['session'], // one run's services: opens the store, the settings, the senders, on first use
  ['commands'], // the parser, one file per command returning data, the executor
  ['output'], // formatters: telegram-cli's text and JSON
  ['repl', 'cli'], // the front ends: the Ink shell; flags, pipe, -e and the daemon
];

const layerPath = (names) => `^src/(${names.join('|')})/`;
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.join('-')}`,
  comment: `${layer.join(', ')} must not import from a layer above it (${LAYERS.slice(i + 1).flat().join(', ')})`,
  severity: 'error',
  from: { path: layerPath(layer) },
  to: { path: layerPath(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycle, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'front-ends-apart',
      comment: 'the Ink shell and the other front ends do not import each other (cli starts repl only through a dynamic import)',
      severity: 'error',
      from: { path: '^src/repl/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
