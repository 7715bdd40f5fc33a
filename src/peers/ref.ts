// Peer references as users type them. Parsing is pure and syntactic: whether the peer exists is
// the store's and the resolver's business. Order follows telegram-cli: permanent id, @username,
// typed id (user#N), then Bot API ids, and anything else is a print name.

import { decodePermanentId } from './permanent-id.js';
import type { PeerClass } from './types.js';

export type PeerRef =
  | { kind: 'permanent'; type: PeerClass; id: number; accessHash: bigint; raw: string }
  | { kind: 'username'; username: string; raw: string }
  | { kind: 'typed'; type: PeerClass; id: number; raw: string }
  | { kind: 'botapi'; chatId: number; raw: string }
  | { kind: 'print_name'; name: string; raw: string };

export type PeerRefResult = { ok: true; ref: PeerRef } | { ok: false; error: string };

const TYPED_RE = /^(user|chat|channel|secret_chat|encr_chat)#(?:id)?(\d{1,16})$/;
const BOTAPI_RE = /^-?\d{1,16}$/;
const USERNAME_CHARS_RE = /^[A-Za-z0-9_]{1,64}$/;
const TME_RE = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.me\/([A-Za-z0-9_]{1,64})\/?$/i;
const SUBDOMAIN_RE = /^(?:https?:\/\/)?([A-Za-z0-9_]{1,64})\.t\.me\/?$/i;
const TG_RESOLVE_RE = /^tg:\/\/resolve\?(?:[^#]*&)?domain=([A-Za-z0-9_]{1,64})(?:[&#].*)?$/i;

/** The username in a link: t.me/name, name.t.me or tg://resolve?domain=name. */
function linkUsername(token: string): string | null {
  const link = TME_RE.exec(token) ?? SUBDOMAIN_RE.exec(token) ?? TG_RESOLVE_RE.exec(token);
  return link ? link[1] : null;
}

/** Extracts the bare username from `name`, `@name` or a link; null when it is none of them. */
export function usernameFromInput(token: string): string | null {
  if (token.startsWith('@')) return USERNAME_CHARS_RE.test(token.slice(1)) ? token.slice(1) : null;
  return linkUsername(token) ?? (USERNAME_CHARS_RE.test(token) ? token : null);
}

export function parsePeerRef(token: string): PeerRefResult {
  if (token.length === 0) return { ok: false, error: 'empty peer' };
  if (token.startsWith('$')) {
    const p = decodePermanentId(token);
    if (p === null) return { ok: false, error: 'a permanent id is $ followed by 32 or 48 hex digits' };
    if ('error' in p) return { ok: false, error: p.error };
    return { ok: true, ref: { kind: 'permanent', ...p, raw: token } };
  }
  if (token.startsWith('@')) {
    const name = token.slice(1);
    if (!USERNAME_CHARS_RE.test(name)) return { ok: false, error: `'${token}' is not a username (letters, digits and _ only)` };
    return { ok: true, ref: { kind: 'username', username: name, raw: token } };
  }
  const link = linkUsername(token);
  if (link) return { ok: true, ref: { kind: 'username', username: link, raw: token } };
  const typed = TYPED_RE.exec(token);
  if (typed) {
    const type: PeerClass = typed[1] === 'secret_chat' ? 'encr_chat' : (typed[1] as PeerClass);
    const id = Number(typed[2]);
    if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, error: `bad id in '${token}'` };
    return { ok: true, ref: { kind: 'typed', type, id, raw: token } };
  }
  if (BOTAPI_RE.test(token)) {
    const chatId = Number(token);
    if (!Number.isSafeInteger(chatId) || chatId === 0) return { ok: false, error: `bad chat id '${token}'` };
    return { ok: true, ref: { kind: 'botapi', chatId, raw: token } };
  }
  return { ok: true, ref: { kind: 'print_name', name: token, raw: token } };
}

/** The telegram-cli class a Bot API chat id points at, and the MTProto id behind it. */
export function splitBotApiChatId(chatId: number): { type: PeerClass; id: number } {
  if (chatId > 0) return { type: 'user', id: chatId };
  if (chatId <= -1_000_000_000_000) return { type: 'channel', id: -chatId - 1_000_000_000_000 };
  return { type: 'chat', id: -chatId };
}

/** The class a reference names without looking it up, when its syntax says so. */
export function refClass(ref: PeerRef): PeerClass | undefined {
  switch (ref.kind) {
    case 'permanent':
    case 'typed':
      return ref.type;
    case 'botapi':
      return splitBotApiChatId(ref.chatId).type;
    default:
      return undefined;
  }
}
