// Counters for tests and benchmarks.

export interface MtprotoStats {
  /** Auth key exchanges completed (dh_gen_ok sent). */
  readonly keyExchanges: number;
  /** TCP connections accepted. */
  readonly connectionsAccepted: number;
  /** Connections open now. */
  readonly openConnections: number;
  /** Connections per transport seen (`full`, `intermediate`, `padded`, `abridged`, `obfuscated-abridged` ...). */
  readonly transports: Readonly<Record<string, number>>;
  /** RPC results sent gzip_packed. */
  readonly gzippedAnswers: number;
  /** RPC requests received per TL method name (`contacts.resolveUsername`), wrappers unwrapped. */
  readonly requests: Readonly<Record<string, number>>;
  /** Requests received for one method (either `contacts.resolveUsername` or GramJS's `contacts.ResolveUsername`). */
  requestsFor(method: string): number;
  reset(): void;
}

export class StatsImpl implements MtprotoStats {
  keyExchanges = 0;
  connectionsAccepted = 0;
  openConnections = 0;
  gzippedAnswers = 0;
  private readonly perMethod = new Map<string, number>();
  private readonly perTransport = new Map<string, number>();

  get transports(): Record<string, number> {
    return Object.fromEntries(this.perTransport);
  }

  countTransport(name: string): void {
    this.perTransport.set(name, (this.perTransport.get(name) ?? 0) + 1);
  }

  get requests(): Record<string, number> {
    return Object.fromEntries(this.perMethod);
  }

  countRequest(method: string): void {
    this.perMethod.set(method, (this.perMethod.get(method) ?? 0) + 1);
  }

  requestsFor(method: string): number {
    return this.perMethod.get(canonicalMethod(method)) ?? 0;
  }

  reset(): void {
    this.keyExchanges = 0;
    this.connectionsAccepted = 0;
    this.gzippedAnswers = 0;
    this.perMethod.clear();
    this.perTransport.clear();
  }
}

/** Accepts `contacts.resolveUsername` and `contacts.ResolveUsername`; returns the TL spelling. */
export function canonicalMethod(name: string): string {
  const dot = name.lastIndexOf('.');
  const base = name.slice(dot + 1);
  return name.slice(0, dot + 1) + base.charAt(0).toLowerCase() + base.slice(1);
}
