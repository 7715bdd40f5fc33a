// tgsh's MTProto (GramJS) connection factory. Import it only with a dynamic import():
//
//   const mt = await import('../telegram/mtproto/index.js');
//   const client = await mt.createMtprotoClient({ endpoint: { host, port, rsaPublicKeyPem }, apiId, apiHash });
//   await mt.invokeWithTimeout(client, new Api.auth.ImportBotAuthorization({ ... }));
//   const saved = mt.saveSession(client);
//   await mt.destroyClient(client);

import { installCheckedFactorize } from './factorize.js';

export {
  createMtprotoClient,
  connectClient,
  invokeWithTimeout,
  saveSession,
  destroyClient,
  toMtprotoError,
  type MtprotoClient,
  type MtprotoEndpoint,
  type MtprotoLogLevel,
  type CreateMtprotoClientOptions,
} from './client.js';
export { MTPROTO_TRANSPORTS, type MtprotoTransport } from './connection.js';
export { trustServerKey, rsaPublicKeyInfo } from './rsa.js';
export * from './errors.js';
export { Api } from 'telegram';

// GramJS's key exchange now and then gets the server's pq wrong: checked from the first connection on.
installCheckedFactorize();
