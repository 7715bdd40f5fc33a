// RPC errors as Telegram sends them: an error code and an UPPER_CASE message.

export class RpcFailure extends Error {
  constructor(
    readonly code: number,
    readonly errorMessage: string,
  ) {
    super(`${code} ${errorMessage}`);
  }
}

export const rpcError = (code: number, message: string): RpcFailure => new RpcFailure(code, message);

export const ERR = {
  authKeyUnregistered: (): RpcFailure => rpcError(401, 'AUTH_KEY_UNREGISTERED'),
  sessionPasswordNeeded: (): RpcFailure => rpcError(401, 'SESSION_PASSWORD_NEEDED'),
  apiIdInvalid: (): RpcFailure => rpcError(400, 'API_ID_INVALID'),
  accessTokenInvalid: (): RpcFailure => rpcError(400, 'ACCESS_TOKEN_INVALID'),
  phoneNumberInvalid: (): RpcFailure => rpcError(400, 'PHONE_NUMBER_INVALID'),
  phoneCodeInvalid: (): RpcFailure => rpcError(400, 'PHONE_CODE_INVALID'),
  phoneCodeEmpty: (): RpcFailure => rpcError(400, 'PHONE_CODE_EMPTY'),
  phoneCodeExpired: (): RpcFailure => rpcError(400, 'PHONE_CODE_EXPIRED'),
  passwordHashInvalid: (): RpcFailure => rpcError(400, 'PASSWORD_HASH_INVALID'),
  srpIdInvalid: (): RpcFailure => rpcError(400, 'SRP_ID_INVALID'),
  srpAInvalid: (): RpcFailure => rpcError(400, 'SRP_A_INVALID'),
  usernameInvalid: (): RpcFailure => rpcError(400, 'USERNAME_INVALID'),
  usernameNotOccupied: (): RpcFailure => rpcError(400, 'USERNAME_NOT_OCCUPIED'),
  peerIdInvalid: (): RpcFailure => rpcError(400, 'PEER_ID_INVALID'),
  userIdInvalid: (): RpcFailure => rpcError(400, 'USER_ID_INVALID'),
  channelInvalid: (): RpcFailure => rpcError(400, 'CHANNEL_INVALID'),
  channelPrivate: (): RpcFailure => rpcError(406, 'CHANNEL_PRIVATE'),
  chatIdInvalid: (): RpcFailure => rpcError(400, 'CHAT_ID_INVALID'),
  botMethodInvalid: (): RpcFailure => rpcError(400, 'BOT_METHOD_INVALID'),
  inputMethodInvalid: (): RpcFailure => rpcError(400, 'INPUT_METHOD_INVALID'),
  methodNotImplemented: (): RpcFailure => rpcError(400, 'METHOD_NOT_IMPLEMENTED_IN_SANDBOX'),
  floodWait: (seconds: number): RpcFailure => rpcError(420, `FLOOD_WAIT_${seconds}`),
};
