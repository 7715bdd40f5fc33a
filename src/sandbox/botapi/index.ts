// The sandbox Bot API server and its parts.
export * from './server.js';
export * from './errors.js';
export * from './faults.js';
export * from './limits.js';
export * from './markup.js';
export * from './multipart.js';
export * from './params.js';
export { METHODS, resolveChat, type MethodContext } from './methods.js';
