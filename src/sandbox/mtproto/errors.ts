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
  authKeyUnregistered: () => rpcError(401, 'AUTH_KEY_UNREGISTERED'),
  sessionPasswordNeeded: () => rpcError(401, 'SESSION_PASSWORD_NEEDED'),
  apiIdInvalid: () => rpcError(400, 'API_ID_INVALID'),
  accessTokenInvalid: () => rpcError(400, 'ACCESS_TOKEN_INVALID'),
  phoneNumberInvalid: () => rpcError(400, 'PHONE_NUMBER_INVALID'),
  phoneCodeInvalid: () => rpcError(400, 'PHONE_CODE_INVALID'),
  phoneCodeEmpty: () => rpcError(400, 'PHONE_CODE_EMPTY'),
  phoneCodeExpired: () => rpcError(400, 'PHONE_CODE_EXPIRED'),
  passwordHashInvalid: () => rpcError(400, 'PASSWORD_HASH_INVALID'),
  srpIdInvalid: () => rpcError(400, 'SRP_ID_INVALID'),
  srpAInvalid: () => rpcError(400, 'SRP_A_INVALID'),
  usernameInvalid: () => rpcError(400, 'USERNAME_INVALID'),
  usernameNotOccupied: () => rpcError(400, 'USERNAME_NOT_OCCUPIED'),
  peerIdInvalid: () => rpcError(400, 'PEER_ID_INVALID'),
  userIdInvalid: () => rpcError(400, 'USER_ID_INVALID'),
  channelInvalid: () => rpcError(400, 'CHANNEL_INVALID'),
  channelPrivate: () => rpcError(406, 'CHANNEL_PRIVATE'),
  chatIdInvalid: () => rpcError(400, 'CHAT_ID_INVALID'),
  botMethodInvalid: () => rpcError(400, 'BOT_METHOD_INVALID'),
  inputMethodInvalid: () => rpcError(400, 'INPUT_METHOD_INVALID'),
  methodNotImplemented: () => rpcError(400, 'METHOD_NOT_IMPLEMENTED_IN_SANDBOX'),
  floodWait: (seconds: number) => rpcError(420, `FLOOD_WAIT_${seconds}`),
};
