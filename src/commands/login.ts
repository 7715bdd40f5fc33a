// login: a user account over MTProto. The shell asks for the phone number, the code and (when
// Telegram wants it) the 2FA password, hidden. Pipes and -e take them from --phone/--code
// (TG_PHONE, TG_CODE) and TG_PASSWORD or --password-file, or fail saying which one is missing.

import { readFileSync } from 'node:fs';
import { ErrorCode, TgshError } from '../core/errors.js';
import { success } from './result.js';
import type { CommandContext, CommandSpec } from './types.js';

function passwordFromConfig(ctx: CommandContext): string | undefined {
  const c = ctx.config;
  if (c.password) return c.password.reveal();
  if (c.passwordFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(c.passwordFile, 'utf8');
  } catch (e) {
    throw new TgshError(ErrorCode.NO_SUCH_FILE, `cannot read --password-file ${c.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`, { failure: 'auth' });
  }
  return text.replace(/\r?\n$/, '');
}

export const login: CommandSpec = {
  name: 'login',
  group: 'account',
  args: [],
  summary: 'Logs in to a user account over MTProto (phone, code, 2FA password)',
  help: [
    'The shell asks for each value; scripts give --phone and --code (TG_PHONE, TG_CODE) and, for an',
    'account with a 2FA password, TG_PASSWORD or --password-file FILE. A script without --code gets',
    'the code sent and a FAIL asking for it: run login again with --code within a few minutes.',
    'The session is kept (credentials.json, 0600) and used instead of the bot until logout.',
  ].join('\n'),
  async run(ctx) {
    const interactive = ctx.mode === 'interactive' && ctx.ask !== undefined;
    const ask = ctx.ask;
    const c = ctx.config;
    let codeFromConfig = c.code;
    let passwordTried = false;
    const resolver = await ctx.services.resolver(ctx.notice);
    const peer = await resolver.login({
      interactive,
      signal: ctx.signal,
      notice: ctx.notice,
      phone: async () => c.phone ?? (interactive ? ask!('phone number (international form, e.g. +15550001111): ') : undefined),
      code: async () => {
        const given = codeFromConfig;
        codeFromConfig = undefined; // a wrong one is asked again, not reused
        return given ?? (interactive ? ask!('login code: ') : undefined);
      },
      password: async (hint) => {
        const given = passwordTried ? undefined : passwordFromConfig(ctx);
        passwordTried = true;
        return given ?? (interactive ? ask!(`2FA password${hint ? ` (hint: ${hint})` : ''}: `, { hidden: true }) : undefined);
      },
    });
    ctx.services.userLoggedIn();
    return success({ logged_in: `${[peer.firstName, peer.lastName].filter(Boolean).join(' ') || peer.printName}${peer.usernames[0] ? ' @' + peer.usernames[0] : ''} (user #${peer.id})` });
  },
};
