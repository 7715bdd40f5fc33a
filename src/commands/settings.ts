// `settings [name] [value] [--reset] [--save-credentials] [--forget-credentials]`: the profile's
// small settings (consent policy, username freshness, purge, resolve budget), kept in
// settings.json beside the peer store; and, on request only, where to reach Telegram (the bot
// token, api id and hash, another server), kept in credentials.json (0600), never settings.json.

import { ErrorCode } from '../core/errors.js';
import { fail } from './result.js';
import type { Result, CommandContext, CommandSpec } from './types.js';
import type { JsonValue } from '../core/json.js';
import { suggest } from './suggest.js';
import { DEFAULT_SETTINGS, isSettingName, parseSettingValue, settingRange, type SettingName } from '../store/settings.js';
import type { SavedTelegram } from '../store/credentials.js';
import { readRsaKey } from '../session/telegram.js';

const NAMES = Object.keys(DEFAULT_SETTINGS) as SettingName[];

export const settings: CommandSpec = {
  name: 'settings',
  group: 'store',
  args: [
    { name: 'name', kind: 'string', optional: true },
    { name: 'value', kind: 'string', optional: true },
  ],
  options: [
    { name: 'reset', description: 'puts the setting (or, without a name, every setting) back to its default' },
    { name: 'save-credentials', description: "keeps this run's Telegram flags in the profile's credentials.json (0600)" },
    { name: 'forget-credentials', description: 'removes what --save-credentials kept' },
  ],
  summary: "Shows or changes this profile's settings",
  help: [
    'settings                      every setting and its value',
    'settings NAME VALUE           changes one (saved at once)',
    'settings NAME --reset         puts one back to its default',
    'settings --reset              puts every setting back to its default, and lists those that changed',
    "settings --save-credentials   keeps this run's --bot-token, --api-id and --api-hash, --dc and --rsa-key,",
    '                              --bot-api-root (flags, or TG_BOT_TOKEN and the other variables) in the',
    "                              profile's credentials.json (0600): later runs need none of them, and",
    '                              flags and environment still override what is kept',
    "settings --forget-credentials removes them again (MTProto sessions stay: 'logout' ends those)",
    '',
    ...NAMES.map((k) => `  ${k.padEnd(22)} default ${JSON.stringify(DEFAULT_SETTINGS[k]).padEnd(7)} ${settingRange(k)}`),
  ].join('\n'),
  async run(ctx, { args, options }) {
    const name = args.name as string | undefined;
    const value = args.value as string | undefined;
    const actions = ['reset', 'save-credentials', 'forget-credentials'].filter((o) => options[o]);
    if (actions.length > 1) return fail(ErrorCode.BAD_ARGUMENT, `give one of ${actions.map((a) => `--${a}`).join(', ')}, not several`);
    if (options['save-credentials'] || options['forget-credentials']) {
      if (name !== undefined) return fail(ErrorCode.BAD_ARGUMENT, `settings --${actions[0]} takes no setting name`);
      return options['save-credentials'] ? saveCredentials(ctx) : forgetCredentials(ctx);
    }
    const store = await ctx.services.store(ctx.notice);
    const list = (names: readonly SettingName[]) => ({ kind: 'fields' as const, fields: names.map((n): [string, JsonValue] => [n, store.settings.get(n)]) });
    if (name === undefined) {
      if (!options.reset) return list(NAMES);
      const changed = await store.settings.resetAll();
      if (changed.length === 0) return { kind: 'fields', fields: [['reset', 'nothing: every setting already had its default']] };
      return { kind: 'fields', fields: [['reset', changed.join(', ')], ...list(changed).fields] };
    }
    if (!isSettingName(name)) {
      const near = suggest(name, NAMES);
      return fail(ErrorCode.BAD_ARGUMENT, `no setting '${name.slice(0, 64)}'`, { hint: near ? `did you mean '${near}'?` : `settings: ${NAMES.join(', ')}` });
    }
    if (options.reset) {
      if (value !== undefined) return fail(ErrorCode.BAD_ARGUMENT, 'give a value or --reset, not both');
      await store.settings.reset(name);
      return list([name]);
    }
    if (value === undefined) return list([name]);
    const parsed = parseSettingValue(name, value);
    if (typeof parsed === 'object') return fail(ErrorCode.BAD_ARGUMENT, parsed.error);
    await store.settings.set(name, parsed);
    return list([name]);
  },
};

const TELEGRAM_FLAGS = '--bot-token, --api-id and --api-hash (or TG_BOT_TOKEN, TG_API_ID, TG_API_HASH)';

async function saveCredentials(ctx: CommandContext): Promise<Result> {
  const c = ctx.config;
  if (c.sandbox) {
    return fail(ErrorCode.BAD_ARGUMENT, 'nothing to save under --sandbox: the sandbox brings its own credentials', {
      hint: `run it without --sandbox, with ${TELEGRAM_FLAGS}`,
    });
  }
  const save: SavedTelegram = {};
  const saved: string[] = [];
  if (c.botToken) {
    save.botToken = c.botToken;
    saved.push('bot_token');
  }
  if (c.apiId !== undefined || c.apiHash) {
    if (c.apiId === undefined || !c.apiHash) return fail(ErrorCode.BAD_ARGUMENT, 'the api id and hash are saved together: give both --api-id and --api-hash');
    save.apiId = c.apiId;
    save.apiHash = c.apiHash;
    saved.push('api_id', 'api_hash');
  }
  if (c.dc) {
    const pem = readRsaKey(c);
    if (pem === undefined) return fail(ErrorCode.BAD_ARGUMENT, `--dc ${c.dc.host}:${c.dc.port} is saved with its public key: give --rsa-key FILE too`);
    save.dc = c.dc;
    save.rsaKeyPem = pem;
    saved.push('dc', 'rsa_key');
  }
  if (c.botApiRoot) {
    save.botApiRoot = c.botApiRoot;
    saved.push('bot_api_root');
  }
  if (saved.length === 0) {
    return fail(ErrorCode.BAD_ARGUMENT, `nothing to save: give ${TELEGRAM_FLAGS} with this command`, {
      hint: "for another server also --dc, --rsa-key and --bot-api-root; e.g. tgsh --bot-token TOKEN --api-id N --api-hash HASH -e 'settings --save-credentials'",
    });
  }
  const store = await ctx.services.store(ctx.notice);
  await store.credentials.saveTelegram(save);
  return { kind: 'fields', fields: [['saved', saved.join(', ')], ['file', ctx.services.paths.credentials]] };
}

async function forgetCredentials(ctx: CommandContext): Promise<Result> {
  const store = await ctx.services.store(ctx.notice);
  const had = store.credentials.savedTelegram();
  const names = [
    ...(had.botToken ? ['bot_token'] : []),
    ...(had.apiId !== undefined ? ['api_id', 'api_hash'] : []),
    ...(had.dc ? ['dc', 'rsa_key'] : []),
    ...(had.botApiRoot ? ['bot_api_root'] : []),
  ];
  await store.credentials.forgetTelegram();
  return { kind: 'fields', fields: [['forgotten', names.length > 0 ? names.join(', ') : 'nothing: none were saved']] };
}
