// A secret value (bot token, api hash, session string, 2FA password) that cannot be printed by
// accident: String(), JSON.stringify(), util.inspect() and template strings all show it redacted.
// Only `reveal()` gives the value, and only code that sends it to Telegram calls that.

import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** A shape that says which secret it is without giving it away: `123456:***` for a bot token. */
  redacted(): string {
    return redactToken(this.#value);
  }

  toString(): string {
    return this.redacted();
  }

  toJSON(): string {
    return this.redacted();
  }

  [inspect.custom](): string {
    return `Secret(${this.redacted()})`;
  }
}

/** `123456:ABC...` -> `123456:***`; anything else -> `***`. */
export function redactToken(value: string): string {
  const m = /^(\d{1,20}):/.exec(value);
  return m ? `${m[1]}:***` : '***';
}

/** The bot's id, which a bot token starts with (`123456:ABC...` -> 123456); undefined otherwise. */
export function botIdOfToken(token: Secret | undefined): number | undefined {
  const m = token ? /^(\d{1,16}):/.exec(token.reveal()) : null;
  const id = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * Removes every occurrence of the given secrets from a text (error messages from libraries carry
 * request URLs with the bot token in them). Also catches URL-encoded forms.
 */
export function scrubSecrets(text: string, secrets: Iterable<Secret | string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    const value = typeof s === 'string' ? s : s.reveal();
    if (value.length < 4) continue;
    const replacement = redactToken(value);
    for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(replacement);
  }
  return out;
}
