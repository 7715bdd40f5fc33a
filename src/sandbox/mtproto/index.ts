// The offline Telegram's MTProto data centre (`tgsh --sandbox`, and every resolver test).
//
//   const server = await startMtprotoServer({ world: new World(defaultWorldData()) });
//   // clients: 127.0.0.1:server.port, trusting server.rsaPublicKeyPem
//   await server.close();

export { startMtprotoServer, type MtprotoServer, type MtprotoServerOptions } from './server.js';
export type { MtprotoFaults, InjectedError, MethodFaultOptions } from './faults.js';
export type { MtprotoStats } from './stats.js';
export { deriveAuthKey, rsaFingerprint, DH_PRIME, DH_G } from './crypto.js';
