// Typed errors of tgsh's MTProto client layer. This file imports nothing from GramJS, so callers
// can test `instanceof` without loading it.

export class MtprotoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No answer (or no connection) within the allowed time. */
export class MtprotoTimeoutError extends MtprotoError {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation}: no answer from Telegram within ${timeoutMs} ms`);
  }
}

/** The server could not be reached (connection refused, retries exhausted ...). */
export class MtprotoConnectError extends MtprotoError {}

/**
 * The server does not know the session's auth key (transport error -404): the saved session is
 * dead and a new login is needed.
 */
export class MtprotoAuthKeyUnknownError extends MtprotoConnectError {
  constructor() {
    super('the server does not know this session (auth key unknown, transport error -404): log in again');
  }
}

/** An RPC error as Telegram sent it: code (400, 401, 420 ...) and message (`USERNAME_NOT_OCCUPIED`). */
export class MtprotoRpcError extends MtprotoError {
  constructor(
    readonly code: number,
    readonly errorMessage: string,
    /** For FLOOD_WAIT_X (and other _X waits): X, in seconds. */
    readonly seconds?: number,
    readonly method?: string,
  ) {
    super(`${code} ${errorMessage}${method ? ` (${method})` : ''}`);
  }

  get isFloodWait(): boolean {
    return this.code === 420 || this.errorMessage.startsWith('FLOOD_WAIT_');
  }

  /** For USER_, PHONE_ and NETWORK_MIGRATE_X: the data centre X the account lives in. */
  get migrateDc(): number | undefined {
    const m = /^(?:USER|PHONE|NETWORK)_MIGRATE_(\d+)$/.exec(this.errorMessage);
    return m ? Number(m[1]) : undefined;
  }
}
