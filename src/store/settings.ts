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

/** What the file may hold (a value of the wrong type is reported and the default used). */
const VALID: { [K in SettingName]: { check: (v: unknown) => v is Settings[K]; what: string } } = {
  username_ttl_hours: { check: positive, what: 'a number of hours above 0' },
  purge_inactive_days: { check: positive, what: 'a number of days above 0' },
  purge_on_start: { check: (v): v is boolean => typeof v === 'boolean', what: 'true or false' },
  consent_policy: { check: (v): v is 'open' | 'strict' => v === 'open' || v === 'strict', what: "'open' or 'strict'" },
  resolve_per_second: { check: positive, what: 'a number above 0' },
  resolve_burst: { check: (v): v is number => positive(v) && Number.isInteger(v), what: 'a whole number above 0' },
};

/** A number within [min, max] (whole when `whole`). */
const within =
  (min: number, max: number, whole = false) =>
  (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!whole || Number.isInteger(v));

/**
 * What `settings NAME VALUE` accepts: sane bounds, so that a typo cannot undo what a setting is
 * for (resolve_per_second 1000000 would resolve as fast as Telegram lets it and earn long flood
 * waits; Telegram's own pace is about one a second). The file itself is held only to VALID.
 */
const TYPED: { [K in SettingName]: { check: (v: unknown) => v is Settings[K]; what: string } } = {
  ...VALID,
  username_ttl_hours: { check: within(1, 8760), what: 'a number of hours from 1 to 8760 (a year)' },
  purge_inactive_days: { check: within(1, 3650, true), what: 'a whole number of days from 1 to 3650' },
  resolve_per_second: { check: within(0.1, 30), what: 'a number from 0.1 to 30' },
  resolve_burst: { check: within(1, 100, true), what: 'a whole number from 1 to 100' },
};

/** What `settings NAME VALUE` accepts for a setting, in words (`a number from 0.1 to 30`). */
export function settingRange(name: SettingName): string {
  return TYPED[name].what;
}

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(VALID, name);
}

/** Turns typed text into a setting's value (for `settings NAME VALUE`), within its range; an error text when it does not fit. */
export function parseSettingValue(name: SettingName, text: string): Settings[SettingName] | { error: string } {
  let v: unknown = text;
  if (text === 'true' || text === 'false') v = text === 'true';
  else if (/^-?\d+(\.\d+)?$/.test(text)) v = Number(text);
  return TYPED[name].check(v) ? (v) : { error: `${name} must be ${TYPED[name].what}` };
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

  /** Every setting back to its default; returns the ones whose value changed. Unknown keys (a newer tgsh's) stay. */
  async resetAll(): Promise<SettingName[]> {
    let before: Settings = this.values;
    const doc = await this.file.update((d) => {
      before = this.parse(d, false); // as the file has it now (another process may have changed it)
      for (const name of Object.keys(VALID)) delete d[name];
    });
    this.apply(doc, false);
    return (Object.keys(VALID) as SettingName[]).filter((n) => before[n] !== this.values[n]);
  }

  private apply(doc: Record<string, unknown>, report: boolean): void {
    this.values = this.parse(doc, report);
  }

  private parse(doc: Record<string, unknown>, report: boolean): Settings {
    const next: Settings = { ...DEFAULT_SETTINGS };
    for (const name of Object.keys(VALID) as SettingName[]) {
      if (!(name in doc)) continue;
      const v = doc[name];
      if (VALID[name].check(v)) (next as unknown as Record<string, unknown>)[name] = v;
      else if (report) this.notice(`tgsh: setting ${name} in ${this.file.file} must be ${VALID[name].what}; using ${JSON.stringify(DEFAULT_SETTINGS[name])}`);
    }
    return next;
  }
}
