import { version } from '../util/version.js';
import type { CommandSpec } from './types.js';

export const stats: CommandSpec = {
  name: 'stats',
  group: 'shell',
  args: [],
  summary: 'Shows the version, profile, store path and who is logged in',
  run(ctx) {
    const c = ctx.config;
    return {
      kind: 'fields',
      fields: [
        ['version', `tgsh ${version()}`],
        ['profile', c.profile],
        ['store', ctx.services.paths.peers],
        ['mode', ctx.mode],
        ['sandbox', c.sandbox],
        ['bot_token', c.botToken ? c.botToken.redacted() : 'not set'],
        ['api_id', c.apiId ?? 'not set'],
        ['mtproto', c.dc ? `${c.dc.host}:${c.dc.port}` : 'telegram'],
        ['bot_api', c.botApiRoot ?? 'https://api.telegram.org'],
        ['logged_in', ctx.services.identity() ?? 'not logged in'],
      ],
    };
  },
};
