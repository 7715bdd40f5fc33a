// `stats`: what this run uses, cheaply: it never starts the sandbox or connects anywhere. Under
// --sandbox it shows the sandbox (its address once started, "starts on first use" before);
// otherwise flags and environment over what the profile has saved (`settings --save-credentials`).

import { version } from '../core/version.js';
import { redactToken } from '../core/secret.js';
import type { JsonValue } from '../core/json.js';
import type { CommandContext, CommandSpec } from './types.js';
import { savedTelegram } from '../store/saved-telegram.js';
import { TELEGRAM_BOT_API_ROOT } from '../telegram/botapi/api.js';
import { actingDescription } from './acting.js';

const NOT_STARTED = 'sandbox (starts on first use)';

export const stats: CommandSpec = {
  name: 'stats',
  group: 'shell',
  args: [],
  summary: 'Shows the version, profile, store path and who is logged in',
  help: [
    "Under --sandbox: the sandbox's address, bot and api id once it runs (it starts with the first command",
    'that needs Telegram; before, they read "sandbox (starts on first use)"). Otherwise the settings in use, from flags and environment or saved',
    "in the profile ('settings --save-credentials'; saved_credentials lists which). Never connects.",
  ].join('\n'),
  async run(ctx) {
    const c = ctx.config;
    // The saved login is in the profile's store: opened (no network) so that a first `stats`
    // names it, and the default identity, as every later one does.
    let storeError: string | undefined;
    await ctx.services.store((t) => ctx.notice(t)).catch((e: unknown) => {
      storeError = e instanceof Error ? e.message : String(e);
    });
    return {
      kind: 'fields',
      fields: [
        ['version', `tgsh ${version()}`],
        ['profile', c.profile],
        ['store', ctx.services.paths.peers],
        ['mode', ctx.mode],
        ['sandbox', c.sandbox],
        ...(c.sandbox ? sandboxFields(ctx) : configuredFields(ctx)),
        ['logged_in', ctx.services.identity() ?? (storeError ? `unknown (the peer store did not open: ${storeError})` : 'not logged in')],
        ['acting', actingDescription(ctx, c.sandbox || (c.botToken ?? savedTelegram(ctx.services.paths).botToken) !== undefined)],
      ],
    };
  },
};

function sandboxFields(ctx: CommandContext): Array<[string, JsonValue]> {
  const running = ctx.services.sandbox();
  if (running) {
    const s = running.connection;
    return [
      ['bot_token', redactToken(s.bot_token)],
      ['api_id', s.api_id],
      ['mtproto', `sandbox ${s.dc}`],
      ['bot_api', s.bot_api_root],
    ];
  }
  // Not started yet: what it will be is known only once it runs (a --world file chooses the bot).
  return [
    ['bot_token', NOT_STARTED],
    ['api_id', NOT_STARTED],
    ['mtproto', NOT_STARTED],
    ['bot_api', NOT_STARTED],
  ];
}

/** The same choice as configuredSettings (session/telegram.ts), without reading the key file. */
function configuredFields(ctx: CommandContext): Array<[string, JsonValue]> {
  const c = ctx.config;
  const saved = savedTelegram(ctx.services.paths);
  const used: string[] = [];
  const token = c.botToken ?? saved.botToken;
  if (!c.botToken && saved.botToken) used.push('bot_token');
  const apiGiven = c.apiId !== undefined || c.apiHash !== undefined;
  const apiId = apiGiven ? c.apiId : saved.apiId;
  if (!apiGiven && saved.apiId !== undefined) used.push('api_id', 'api_hash');
  const dc = c.dc ?? saved.dc;
  if (!c.dc && saved.dc) used.push('dc', 'rsa_key');
  const root = c.botApiRoot ?? saved.botApiRoot;
  if (!c.botApiRoot && saved.botApiRoot) used.push('bot_api_root');
  return [
    ['bot_token', token ? token.redacted() : 'not set'],
    ['api_id', apiId ?? 'not set'],
    ['mtproto', dc ? `${dc.host}:${dc.port}` : 'telegram'],
    ['bot_api', root ?? TELEGRAM_BOT_API_ROOT],
    ['saved_credentials', used.length > 0 ? used.join(', ') : 'none used'],
  ];
}
