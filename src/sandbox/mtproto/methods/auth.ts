// Logging in: bots (auth.importBotAuthorization), users by code (auth.sendCode, auth.signIn),
// 2FA by SRP (account.getPassword, auth.checkPassword), and auth.logOut.

import { normalizePhone } from '../../world/world.js';
import { DH_G, DH_PRIME, randomBytes } from '../crypto.js';
import { ERR } from '../errors.js';
import { Api, big, toBigInt } from '../gramjs.js';
import { tlUser } from '../peers.js';
import { checkChallenge, startChallenge } from '../srp.js';
import type { MethodContext, MethodTable } from './types.js';

function checkApi(ctx: MethodContext, apiId: number, apiHash: string): void {
  if (apiId !== ctx.world.apiId || apiHash !== ctx.world.apiHash) throw ERR.apiIdInvalid();
}

function authorization(ctx: MethodContext, userId: number): Api.auth.Authorization {
  const user = ctx.world.users.get(userId)!;
  return new Api.auth.Authorization({ user: tlUser(ctx.world, user, userId) });
}

function kdfAlgo(salt1: Buffer, salt2: Buffer): Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
  return new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({ salt1, salt2, g: DH_G, p: DH_PRIME });
}

export const authMethods: MethodTable = {
  'auth.importBotAuthorization': {
    login: false,
    run(req: Api.auth.ImportBotAuthorization, ctx) {
      checkApi(ctx, req.apiId, req.apiHash);
      const bot = ctx.world.botByToken(req.botAuthToken);
      if (!bot) throw ERR.accessTokenInvalid();
      ctx.key.login = { userId: bot.id, bot: true };
      ctx.key.pendingCode = undefined;
      ctx.key.passwordPendingFor = undefined;
      return authorization(ctx, bot.id);
    },
  },

  'auth.sendCode': {
    login: false,
    run(req: Api.auth.SendCode, ctx) {
      checkApi(ctx, req.apiId, req.apiHash);
      const user = ctx.world.userByPhone(req.phoneNumber);
      if (!user || ctx.world.isBot(user.id)) throw ERR.phoneNumberInvalid();
      const phoneCodeHash = randomBytes(9).toString('hex');
      ctx.key.pendingCode = { phone: normalizePhone(req.phoneNumber), phoneCodeHash, userId: user.id };
      return new Api.auth.SentCode({
        type: new Api.auth.SentCodeTypeApp({ length: user.login_code?.length ?? 5 }),
        phoneCodeHash,
      });
    },
  },

  'auth.signIn': {
    login: false,
    run(req: Api.auth.SignIn, ctx) {
      const pending = ctx.key.pendingCode;
      if (!pending || pending.phoneCodeHash !== req.phoneCodeHash) throw ERR.phoneCodeExpired();
      if (pending.phone !== normalizePhone(req.phoneNumber)) throw ERR.phoneNumberInvalid();
      if (!req.phoneCode) throw ERR.phoneCodeEmpty();
      const user = ctx.world.users.get(pending.userId);
      if (!user || !user.login_code || req.phoneCode !== user.login_code) throw ERR.phoneCodeInvalid();
      ctx.key.pendingCode = undefined;
      if (user.password) {
        ctx.key.passwordPendingFor = user.id;
        throw ERR.sessionPasswordNeeded();
      }
      ctx.key.login = { userId: user.id, bot: false };
      return authorization(ctx, user.id);
    },
  },

  'account.getPassword': {
    login: false,
    async run(_req: Api.account.GetPassword, ctx) {
      const userId = ctx.key.actingUserId;
      if (userId === undefined) throw ERR.authKeyUnregistered();
      const user = ctx.world.users.get(userId);
      const common = {
        newAlgo: kdfAlgo(randomBytes(8), randomBytes(16)),
        newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
        secureRandom: randomBytes(32),
      };
      if (!user?.password) return new Api.account.Password({ hasPassword: false, ...common });
      const verifier = await ctx.verifiers.get(user.id, user.password);
      const challenge = startChallenge(user.id, verifier);
      ctx.key.srp.set(challenge.srpId, challenge);
      if (ctx.key.srp.size > 16) ctx.key.srp.delete(ctx.key.srp.keys().next().value!);
      return new Api.account.Password({
        hasPassword: true,
        currentAlgo: kdfAlgo(verifier.algo.salt1, verifier.algo.salt2),
        srp_B: challenge.B,
        srpId: big(challenge.srpId),
        hint: user.password_hint,
        ...common,
      });
    },
  },

  'auth.checkPassword': {
    login: false,
    run(req: Api.auth.CheckPassword, ctx) {
      const userId = ctx.key.actingUserId;
      if (userId === undefined) throw ERR.authKeyUnregistered();
      const input = req.password;
      if (!(input instanceof Api.InputCheckPasswordSRP)) throw ERR.passwordHashInvalid();
      const challenge = ctx.key.srp.get(toBigInt(input.srpId));
      if (!challenge || challenge.userId !== userId) throw ERR.srpIdInvalid();
      const verdict = checkChallenge(challenge, input.A, input.M1);
      if (verdict === 'bad-A') throw ERR.srpAInvalid();
      if (verdict !== 'ok') throw ERR.passwordHashInvalid();
      ctx.key.srp.clear();
      ctx.key.passwordPendingFor = undefined;
      ctx.key.login = { userId, bot: false };
      return authorization(ctx, userId);
    },
  },

  'auth.logOut': {
    login: true,
    run(_req: Api.auth.LogOut, ctx) {
      ctx.key.login = undefined;
      ctx.key.passwordPendingFor = undefined;
      ctx.key.pendingCode = undefined;
      ctx.key.srp.clear();
      return new Api.auth.LoggedOut({});
    },
  },
};
