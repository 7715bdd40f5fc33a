// RPC dispatch: parse the request with GramJS's TL classes, unwrap invokeWithLayer /
// initConnection / invokeWithoutUpdates / invokeAfterMsg(s), apply injected faults, check the
// login, run the method and answer rpc_result (gzip_packed when large) or rpc_error. Every
// request gets an answer, except those a test asked never to answer.

import { gzipSync } from 'node:zlib';
import type { World } from '../world/world.js';
import type { AuthKeyRecord } from './authkeys.js';
import { ERR, RpcFailure } from './errors.js';
import type { FaultsImpl } from './faults.js';
import { Api, BinaryReader } from './gramjs.js';
import { METHODS, TlVector, type MethodContext, type TlAnswer } from './methods/index.js';
import type { ClientSession } from './session.js';
import type { SrpVerifiers } from './srp.js';
import { canonicalMethod, type StatsImpl } from './stats.js';
import { CTOR, TlWriter } from './tl.js';
import { answerForLayer, declaredLayer, isServedLayer, needsTranslation, requestToGramjs } from './layers/index.js';

export interface RpcDeps {
  world: World;
  endpoint: { host: string; port: number; dcId: number };
  verifiers: SrpVerifiers;
  stats: StatsImpl;
  faults: FaultsImpl;
  /** Runs fn after ms; the timer is cancelled when the server closes. */
  later(ms: number, fn: () => void): void;
  log(line: string): void;
}

/** Results at least this long go out gzip_packed (when that makes them smaller). */
export const GZIP_THRESHOLD = 512;

const WRAPPERS = [
  Api.InvokeWithLayer,
  Api.InitConnection,
  Api.InvokeWithoutUpdates,
  Api.InvokeAfterMsg,
  Api.InvokeAfterMsgs,
  Api.InvokeWithMessagesRange,
  Api.InvokeWithTakeout,
];

function unwrap(request: any, key: AuthKeyRecord): any {
  for (;;) {
    if (request instanceof Api.InvokeWithLayer) key.layer = request.layer;
    else if (request instanceof Api.InitConnection) key.apiId = request.apiId;
    if (!WRAPPERS.some((w) => request instanceof w)) return request;
    request = request.query;
  }
}

export function dispatchRpc(deps: RpcDeps, session: ClientSession, reqMsgId: bigint, body: Buffer): void {
  session.requestReceived(reqMsgId);
  // The layer decides how the rest is read: known before parsing (invokeWithLayer's first field).
  const declared = declaredLayer(body);
  if (declared !== undefined) {
    if (!isServedLayer(declared)) {
      deps.log(`rpc: layer ${declared} refused`);
      deliver(deps, session, reqMsgId, new RpcFailure(400, 'CONNECTION_LAYER_INVALID'));
      return;
    }
    session.key.layer = declared;
  }
  let request: any;
  try {
    const layer = session.key.layer;
    request = unwrap(new BinaryReader(needsTranslation(layer) ? requestToGramjs(body, layer) : body).tgReadObject(), session.key);
  } catch (e) {
    if (needsTranslation(session.key.layer)) deps.log(`rpc: layer ${session.key.layer} request not translated: ${e instanceof Error ? e.message : String(e)}`);
    request = undefined;
  }
  if (!request || request.classType !== 'request' || typeof request.className !== 'string') {
    deliver(deps, session, reqMsgId, ERR.inputMethodInvalid());
    return;
  }
  const method = canonicalMethod(request.className);
  deps.stats.countRequest(method);
  const fault = deps.faults.take(method, request);
  if (fault?.kind === 'never') {
    deps.log(`rpc ${method}: left unanswered (fault)`);
    return;
  }
  if (fault?.kind === 'error') {
    deliver(deps, session, reqMsgId, new RpcFailure(fault.error.code, fault.error.message));
    return;
  }
  const answer = (o: TlAnswer | RpcFailure) => deliver(deps, session, reqMsgId, o, method);
  let outcome: TlAnswer | RpcFailure | Promise<TlAnswer>;
  try {
    deps.world.accounts.releaseDue();
    outcome = run(deps, session, method, request);
  } catch (e) {
    outcome = asFailure(e, deps, method);
  }
  if (outcome instanceof Promise) {
    outcome.then(answer, (e) => answer(asFailure(e, deps, method)));
  } else {
    answer(outcome);
  }
}

function run(deps: RpcDeps, session: ClientSession, method: string, request: any): TlAnswer | Promise<TlAnswer> {
  const key = session.key;
  const spec = METHODS.get(method);
  if (!spec) throw ERR.methodNotImplemented();
  if (spec.login && !key.login) throw ERR.authKeyUnregistered();
  const ctx: MethodContext = { world: deps.world, key, endpoint: deps.endpoint, verifiers: deps.verifiers, session };
  return spec.run(request, ctx);
}

function asFailure(e: unknown, deps: RpcDeps, method: string): RpcFailure {
  if (e instanceof RpcFailure) return e;
  deps.log(`rpc ${method}: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  return new RpcFailure(500, 'INTERNAL_SERVER_ERROR');
}

function deliver(deps: RpcDeps, session: ClientSession, reqMsgId: bigint, outcome: TlAnswer | RpcFailure, method?: string): void {
  let body: Buffer;
  try {
    if (outcome instanceof RpcFailure) body = rpcErrorBody(reqMsgId, outcome);
    else {
      const layer = session.key.layer;
      let bytes = answerBytes(outcome);
      // A client at another layer reads the answer in its own constructors.
      if (method && needsTranslation(layer)) bytes = answerForLayer(bytes, method, layer);
      const r = rpcResultBody(reqMsgId, bytes);
      if (r.gzipped) deps.stats.gzippedAnswers++;
      body = r.body;
    }
  } catch (e) {
    body = rpcErrorBody(reqMsgId, asFailure(e, deps, 'serialise'));
  }
  const delay = deps.faults.answerDelayMs;
  if (delay > 0) deps.later(delay, () => session.answer(reqMsgId, body));
  else session.answer(reqMsgId, body);
}

export function answerBytes(answer: TlAnswer): Buffer {
  if (typeof answer === 'boolean') return new TlWriter().uint32(answer ? CTOR.boolTrue : CTOR.boolFalse).result();
  if (answer instanceof TlVector) {
    return Buffer.concat([new TlWriter().uint32(CTOR.vector).int32(answer.items.length).result(), ...answer.items.map((i) => i.getBytes())]);
  }
  return answer.getBytes();
}

function rpcResultBody(reqMsgId: bigint, answer: Buffer): { body: Buffer; gzipped: boolean } {
  let result = answer;
  let gzipped = false;
  if (result.length >= GZIP_THRESHOLD) {
    const packed = new TlWriter().uint32(CTOR.gzipPacked).bytes(gzipSync(result)).result();
    if (packed.length < result.length) {
      result = packed;
      gzipped = true;
    }
  }
  return { body: new TlWriter().uint32(CTOR.rpcResult).int64(reqMsgId).raw(result).result(), gzipped };
}

function rpcErrorBody(reqMsgId: bigint, f: RpcFailure): Buffer {
  return new TlWriter()
    .uint32(CTOR.rpcResult)
    .int64(reqMsgId)
    .uint32(CTOR.rpcError)
    .int32(f.code)
    .bytes(Buffer.from(f.errorMessage, 'utf8'))
    .result();
}
