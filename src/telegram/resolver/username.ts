// Telegram's username syntax, checked before any network call: A-z, 0-9 and _, 5 to 32
// characters (4 for collectible names), starting with a letter, not ending with _. Accepts what
// people type and paste: `name`, `@name`, `t.me/name`, `https://t.me/name`, `name.t.me` and
// `tg://resolve?domain=name`.

import { ErrorCode, TgshError } from '../../core/errors.js';

// t.me/name, t.me/name/123 (a post: its chat's name), t.me/s/name (a channel's preview page).
const TME_RE = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.me\/(?:s\/)?([^/?#\s]*)(?:\/\d+)?\/?(?:[?#].*)?$/i;
// https://name.t.me (Telegram's subdomain links) and tg://resolve?domain=name (the app's links).
const SUBDOMAIN_RE = /^(?:https?:\/\/)?([^./\s]+)\.t\.me(?:[/?#].*)?$/i;
const TG_RESOLVE_RE = /^tg:\/\/resolve\?(?:[^#]*&)?domain=([^&#\s]*)/i;
const INVITE_RE = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.me\/(?:\+|joinchat\/)/i;

export const USERNAME_RULES = 'a username is 5 to 32 characters of A-z, 0-9 and _ (collectible ones may have 4), starts with a letter and does not end with _';

/** The bare name from `name`, `@name` or a t.me link (not checked). */
export function bareUsername(input: string): string {
  const t = input.trim();
  if (t.startsWith('@')) return t.slice(1);
  const link = TME_RE.exec(t) ?? SUBDOMAIN_RE.exec(t) ?? TG_RESOLVE_RE.exec(t);
  return link ? link[1] : t;
}

/** The rule a name breaks, or undefined when Telegram could accept it. */
export function usernameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  const bad = /[^A-Za-z0-9_]/.exec(name);
  if (bad) return `'${bad[0] === ' ' ? 'space' : bad[0]}' is not allowed: only A-z, 0-9 and _`;
  if (!/^[A-Za-z]/.test(name)) return 'it must start with a letter';
  if (name.endsWith('_')) return 'it must not end with _';
  if (name.length < 4) return `it has ${name.length} character${name.length === 1 ? '' : 's'}; the minimum is 5 (4 for collectible names)`;
  if (name.length > 32) return `it has ${name.length} characters; the maximum is 32`;
  return undefined;
}

/** The bare, checked username; throws the FAIL (code 22) that names the broken rule. */
export function checkedUsername(input: string): string {
  if (INVITE_RE.test(input.trim())) {
    throw new TgshError(ErrorCode.BAD_ARGUMENT, 'an invite link (t.me/+... or t.me/joinchat/...) names no username: it can only be opened in a Telegram app to join', {
      hint: 'give the group\'s or channel\'s @username, or its Bot API id (-100...) once the bot is a member',
    });
  }
  const name = bareUsername(input);
  const problem = usernameProblem(name);
  if (problem) {
    const shown = input.length > 40 ? input.slice(0, 40) + '...' : input;
     
    throw new TgshError(ErrorCode.BAD_ARGUMENT, `invalid username '${shown.replace(/[\u0000-\u001f\u007f]/g, '?')}': ${problem}`, { hint: USERNAME_RULES });
  }
  return name;
}
