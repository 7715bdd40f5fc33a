// tgsh's own command-line flags (node:util parseArgs form). The command line parses them; the
// command parser knows them too, to say that a flag given to a command belongs to tgsh itself.

export const OPTIONS = {
  exec: { type: 'string', short: 'e', multiple: true },
  json: { type: 'boolean' },
  'disable-colors': { type: 'boolean', short: 'C' },
  'disable-readline': { type: 'boolean', short: 'R' },
  'disable-output': { type: 'boolean', short: 'D' },
  'wait-dialog-list': { type: 'boolean', short: 'W' },
  profile: { type: 'string', short: 'p' },
  'config-dir': { type: 'string' },
  bot: { type: 'string', short: 'b' },
  'bot-token': { type: 'string' },
  'api-id': { type: 'string' },
  'api-hash': { type: 'string' },
  dc: { type: 'string' },
  'rsa-key': { type: 'string', short: 'k' },
  'bot-api-root': { type: 'string' },
  sandbox: { type: 'boolean' },
  world: { type: 'string' },
  'max-wait': { type: 'string' },
  store: { type: 'string' },
  phone: { type: 'string' },
  code: { type: 'string' },
  'password-file': { type: 'string' },
  'tcp-port': { type: 'string', short: 'P' },
  'unix-socket': { type: 'string', short: 'S' },
  daemonize: { type: 'boolean', short: 'd' },
  logfile: { type: 'string', short: 'L' },
  'accept-any-tcp': { type: 'boolean' },
  'no-daemon': { type: 'boolean' },
  as: { type: 'string' },
  'enable-msg-id': { type: 'boolean', short: 'N' },
  'download-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** True when `--name` is one of tgsh's own flags (for the hint when it is given to a command). */
export function isTgshFlag(name: string): boolean {
  return Object.hasOwn(OPTIONS, name);
}
