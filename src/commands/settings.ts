// `settings [name] [value] [--reset]`: the profile's small settings (consent policy, username
// freshness, purge, resolve budget), kept in settings.json beside the peer store.

import { ErrorCode, fail, type JsonValue } from './result.js';
import { suggest } from './suggest.js';
import type { CommandSpec } from './types.js';
import { DEFAULT_SETTINGS, isSettingName, parseSettingValue, type SettingName } from '../store/settings.js';

export const settings: CommandSpec = {
  name: 'settings',
  group: 'store',
  args: [
    { name: 'name', kind: 'string', optional: true },
    { name: 'value', kind: 'string', optional: true },
  ],
  options: [{ name: 'reset', description: 'puts the setting back to its default' }],
  summary: "Shows or changes this profile's settings",
  help: [
    'settings                 every setting and its value',
    'settings NAME VALUE      changes one (saved at once)',
    'settings NAME --reset    back to the default',
    ...Object.entries(DEFAULT_SETTINGS).map(([k, v]) => `  ${k.padEnd(22)} default ${JSON.stringify(v)}`),
  ].join('\n'),
  async run(ctx, { args, options }) {
    const store = await ctx.services.store(ctx.notice);
    const name = args.name as string | undefined;
    const list = (names: readonly SettingName[]) => ({ kind: 'fields' as const, fields: names.map((n): [string, JsonValue] => [n, store.settings.get(n)]) });
    if (name === undefined) return list(Object.keys(DEFAULT_SETTINGS) as SettingName[]);
    if (!isSettingName(name)) {
      const near = suggest(name, Object.keys(DEFAULT_SETTINGS));
      return fail(ErrorCode.BAD_ARGUMENT, `no setting '${name.slice(0, 64)}'`, { hint: near ? `did you mean '${near}'?` : `settings: ${Object.keys(DEFAULT_SETTINGS).join(', ')}` });
    }
    const value = args.value as string | undefined;
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
