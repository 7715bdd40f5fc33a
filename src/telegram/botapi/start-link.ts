// Start links: https://t.me/<bot username>?start=<payload>. Opening one shows the bot with a Start
// button; pressing it sends the bot `/start <payload>`, after which the bot may write to the user.

export const START_PAYLOAD_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Undefined when the payload is valid (absent or up to 64 of A-Z a-z 0-9 _ -), else why not. */
export function startPayloadProblem(payload: string | undefined): string | undefined {
  if (payload === undefined || START_PAYLOAD_RE.test(payload)) return undefined;
  if (payload.length > 64) return `a start payload is at most 64 characters (this one has ${payload.length})`;
  return 'a start payload holds only letters A-Z a-z, digits, _ and -';
}

/** The link; without a payload, the bot's plain link (its Start button sends a bare `/start`). */
export function startLink(botUsername: string, payload?: string): string {
  const base = `https://t.me/${botUsername}`;
  return payload ? `${base}?start=${payload}` : base;
}
