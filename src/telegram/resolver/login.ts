// User-account login over MTProto: auth.sendCode, auth.signIn and, when Telegram answers
// SESSION_PASSWORD_NEEDED, the 2FA password proved by SRP (GramJS's computeCheck: the password
// itself never leaves the machine). In scripts a login may take two runs: the first sends the
// code and keeps the half-done login (its auth key and phone_code_hash); the second, given
// --code, finishes it. This module imports GramJS: load it with a dynamic import().

import { computeCheck } from 'telegram/Password.js';
import { ErrorCode, TgshError } from '../../core/errors.js';
import type { CredentialsStore, PendingLogin } from '../../store/credentials.js';
import { Secret } from '../../core/secret.js';
import { Api, destroyClient, saveSession, MtprotoRpcError, type MtprotoClient } from '../mtproto/index.js';
import type { Identity } from '../../store/identity.js';
import type { MtprotoLink } from '../mtproto/link.js';
import type { TlObject } from './tl-peers.js';
import type { LoginInputs } from './types.js';

/** A half-done login older than this sends a new code (Telegram's codes expire within minutes). */
const PENDING_TTL_MS = 10 * 60 * 1000;
/** Wrong codes or passwords a person may retype in the interactive shell. */
const ATTEMPTS = 3;

/** Where the half-done login is kept: credentials (per endpoint), or memory for the in-process sandbox. */
export interface PendingSlot {
  get(): PendingLogin | undefined;
  set(p: PendingLogin | undefined): Promise<void>;
}

export function pendingSlot(credentials: CredentialsStore, endpoint: string | undefined): PendingSlot {
  let memory: PendingLogin | undefined;
  if (endpoint === undefined) return { get: () => memory, set: (p) => Promise.resolve(void (memory = p)) };
  return { get: () => credentials.pendingLogin(endpoint), set: (p) => credentials.setPendingLogin(endpoint, p) };
}

/** Digits with the leading +, as typed numbers differ: `+1 (555) 000-1111` -> `+15550001111`. */
export function normalisePhone(phone: string): string {
  const t = phone.trim();
  return (t.startsWith('+') ? '+' : '') + t.replace(/\D/g, '');
}

function missing(what: string, hint: string): TgshError {
  return new TgshError(ErrorCode.NOT_LOGGED_IN, `login needs ${what}`, { failure: 'auth', hint });
}

function rpc(e: unknown, message: string): boolean {
  return e instanceof MtprotoRpcError && e.errorMessage === message;
}

export async function loginUser(link: MtprotoLink, inputs: LoginInputs, slot: PendingSlot): Promise<{ identity: Identity; user: TlObject }> {
  const notice = inputs.notice ?? link.d.notice;
  const typed = await inputs.phone?.();
  if (!typed) throw missing('the phone number: --phone (TG_PHONE)', 'give the number in international form, e.g. --phone +15550001111; the code Telegram sends then goes in --code (TG_CODE)');
  const phone = normalisePhone(typed);
  const s = link.d.settings;

  const pending = slot.get();
  const resume = pending && normalisePhone(pending.phone) === phone && Date.now() - pending.at < PENDING_TTL_MS ? pending : undefined;
  let client: MtprotoClient | undefined = await link.connect(resume ? resume.session.reveal() : '');
  try {
    let stage: PendingLogin['stage'] = resume?.stage ?? 'code';
    let hash = resume?.phoneCodeHash;
    const keep = async (at: PendingLogin['stage']): Promise<void> => {
      await slot.set({ session: new Secret(saveSession(client!)), phone, phoneCodeHash: hash, stage: at, at: resume?.at ?? Date.now() });
    };

    if (!resume) {
      const sent = await link.call(client, new Api.auth.SendCode({ phoneNumber: phone, apiId: s.apiId!, apiHash: s.apiHash!.reveal(), settings: new Api.CodeSettings({}) }));
      if (!(sent instanceof Api.auth.SentCode)) throw new TgshError(ErrorCode.SERVER, 'Telegram logged in without a code (auth.sentCodeSuccess), which tgsh does not support');
      hash = sent.phoneCodeHash;
      const how = sent.type instanceof Api.auth.SentCodeTypeApp ? 'in the Telegram app' : sent.type instanceof Api.auth.SentCodeTypeSms ? 'by SMS' : 'to your devices';
      notice(`tgsh: Telegram sent a login code for ${phone} ${how}`);
    }

    let user: TlObject | undefined;
    for (let attempt = 1; stage === 'code' && !user; attempt++) {
      const code = (await inputs.code?.())?.trim();
      if (!code) {
        await keep('code');
        throw missing('the login code Telegram sent: --code (TG_CODE)', `run login again with --code CODE within a few minutes (the code went to ${phone})`);
      }
      try {
        const auth = await link.call(client, new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: hash!, phoneCode: code }));
        if (!(auth instanceof Api.auth.Authorization)) throw new TgshError(ErrorCode.NOT_LOGGED_IN, `no Telegram account uses ${phone}`, { failure: 'auth', hint: 'sign up in a Telegram app first' });
        user = auth.user as unknown as TlObject;
      } catch (e) {
        if (rpc(e, 'SESSION_PASSWORD_NEEDED')) stage = 'password';
        else if (rpc(e, 'PHONE_CODE_INVALID') && inputs.interactive && attempt < ATTEMPTS) notice('tgsh: that code is wrong; try again');
        else {
          if (rpc(e, 'PHONE_CODE_INVALID')) await keep('code'); // the code Telegram sent stays good
          else await slot.set(undefined);
          throw e;
        }
      }
    }

    for (let attempt = 1; !user; attempt++) {
      const pw = await link.call(client, new Api.account.GetPassword());
      const password = await inputs.password?.(pw.hint ?? undefined);
      if (!password) {
        await keep('password');
        throw missing('the 2FA password of this account: --password-file FILE or TG_PASSWORD', `run login again with it${pw.hint ? ` (its hint: ${pw.hint})` : ''}`);
      }
      try {
        const auth = await link.call(client, new Api.auth.CheckPassword({ password: await computeCheck(pw, password) }));
        user = (auth as Api.auth.Authorization).user as unknown as TlObject;
      } catch (e) {
        if (rpc(e, 'PASSWORD_HASH_INVALID') && inputs.interactive && attempt < ATTEMPTS) notice('tgsh: that password is wrong; try again');
        else {
          if (rpc(e, 'PASSWORD_HASH_INVALID')) await keep('password');
          throw e;
        }
      }
    }

    await slot.set(undefined);
    const identity = await link.adopt(client, 'user', user);
    client = undefined; // the link owns it now
    return { identity, user };
  } finally {
    if (client) await destroyClient(client);
  }
}

/** auth.logOut with the saved session (no new login just to end it); true when the server ended it. */
export async function logOutOnServer(link: MtprotoLink, session: string): Promise<boolean> {
  const c = await link.connect(session);
  try {
    await link.call(c, new Api.auth.LogOut());
    return true;
  } finally {
    await destroyClient(c);
  }
}
