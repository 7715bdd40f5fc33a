// Per-profile settings (settings.json, conf, 0600): a handful of values with defaults. A value of
// the wrong type is reported and its default used; unknown keys are kept (a newer tgsh's).

import { SmallConfFile, type Notice } from './small-file.js';

export interface Settings {
  /** A username -> peer mapping older than this is re-checked (or used with a warning offline). */
  username_ttl_hours: number;
  /** `purge` without --inactive-days removes users with no interaction for this many days. */
  purge_inactive_days: number;
  /** Run that purge whenever the store is opened. */
  purge_on_start: boolean;
  /** `strict`: message only users who started the bot; `open`: anyone Telegram lets us reach. */
  consent_policy: 'open' | 'strict';
  /** Username resolutions per second the resolver allows itself, and its burst. */
  resolve_per_second: number;
  resolve_burst: number;
}

export type SettingName = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  username_ttl_hours: 24,
  purge_inactive_days: 180,
  purge_on_start: false,
  consent_policy: 'open',
  resolve_per_second: 1,
  resolve_burst: 5,
});

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

const VALID: { [K in SettingName]: { check: (v: unknown) => v is Settings[K]; what: string } } = {
  username_ttl_hours: { check: positive, what: 'a number of hours above 0' },
  purge_inactive_days: { check: positive, what: 'a number of days above 0' },
  purge_on_start: { check: (v): v is boolean => typeof v === 'boolean', what: 'true or false' },
  consent_policy: { check: (v): v is 'open' | 'strict' => v === 'open' || v === 'strict', what: "'open' or 'strict'" },
  resolve_per_second: { check: positive, what: 'a number above 0' },
  resolve_burst: { check: (v): v is number => positive(v) && Number.isInteger(v), what: 'a whole number above 0' },
};

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(VALID, name);
}

/** Turns typed text into a setting's value (for a `set` command); an error text when it does not fit. */
export function parseSettingValue(name: SettingName, text: string): Settings[SettingName] | { error: string } {
  let v: unknown = text;
  if (text === 'true' || text === 'false') v = text === 'true';
  else if (/^-?\d+(\.\d+)?$/.test(text)) v = Number(text);
  return VALID[name].check(v) ? (v as Settings[SettingName]) : { error: `${name} must be ${VALID[name].what}` };
}

export class SettingsStore {
  private values: Settings = { ...DEFAULT_SETTINGS };

  private constructor(
    private readonly file: SmallConfFile,
    private readonly notice: Notice,
  ) {}

  static async open(path: string, notice: Notice): Promise<SettingsStore> {
    const s = new SettingsStore(new SmallConfFile(path, 'settings', notice), notice);
    s.apply(await s.file.load(), true);
    return s;
  }

  get<K extends SettingName>(name: K): Settings[K] {
    return this.values[name];
  }

  all(): Readonly<Settings> {
    return { ...this.values };
  }

  async set<K extends SettingName>(name: K, value: Settings[K]): Promise<void> {
    if (!VALID[name].check(value)) throw new RangeError(`${name} must be ${VALID[name].what}`);
    const doc = await this.file.update((d) => {
      d[name] = value;
    });
    this.apply(doc, false);
  }

  /** Back to the default (the key is removed from the file). */
  async reset(name: SettingName): Promise<void> {
    const doc = await this.file.update((d) => {
      delete d[name];
    });
    this.apply(doc, false);
  }

  private apply(doc: Record<string, unknown>, report: boolean): void {
    const next: Settings = { ...DEFAULT_SETTINGS };
    for (const name of Object.keys(VALID) as SettingName[]) {
      if (!(name in doc)) continue;
      const v = doc[name];
      if (VALID[name].check(v)) (next as unknown as Record<string, unknown>)[name] = v;
      else if (report) this.notice(`tgsh: setting ${name} in ${this.file.file} must be ${VALID[name].what}; using ${JSON.stringify(DEFAULT_SETTINGS[name])}`);
    }
    this.values = next;
  }
}
