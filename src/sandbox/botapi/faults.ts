// Fault injection for tests: what a proxy or a network in front of the Bot API does. Rules match a
// method name (case-insensitive) or '*', fire once or `times` times, and are taken in order.

export type FaultRule =
  | { kind: 'http'; method: string; remaining: number; status: number; body: string; contentType: string }
  | { kind: 'delay'; method: string; remaining: number; ms: number }
  | { kind: 'drop'; method: string; remaining: number };

export interface HttpFaultOptions {
  /** HTTP status (default 502). */
  status?: number;
  /** Response body (default: an nginx-style HTML error page). */
  body?: string;
  contentType?: string;
  /** How many requests it hits (default 1; Infinity: until cleared). */
  times?: number;
}

function htmlPage(status: number): string {
  const reason: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Time-out',
  };
  const title = `${status} ${reason[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export class Faults {
  private rules: FaultRule[] = [];

  constructor(private readonly closeAll: () => void) {}

  /** Answers the next matching request(s) with an HTTP error and an HTML body, like a proxy. */
  failNext(method: string, opts: HttpFaultOptions = {}): void {
    const status = opts.status ?? 502;
    this.rules.push({
      kind: 'http',
      method: method.toLowerCase(),
      remaining: opts.times ?? 1,
      status,
      body: opts.body ?? htmlPage(status),
      contentType: opts.contentType ?? 'text/html',
    });
  }

  /** Delays the answer to matching requests by `ms`. */
  delay(method: string, ms: number, opts: { times?: number } = {}): void {
    this.rules.push({ kind: 'delay', method: method.toLowerCase(), remaining: opts.times ?? 1, ms });
  }

  /** Destroys the connection of matching requests without answering. */
  dropConnection(method: string, opts: { times?: number } = {}): void {
    this.rules.push({ kind: 'drop', method: method.toLowerCase(), remaining: opts.times ?? 1 });
  }

  /** Destroys every open connection now (keep-alive and in-flight requests, long polls too). */
  closeAllConnections(): void {
    this.closeAll();
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Rules still armed. */
  get pending(): readonly FaultRule[] {
    return this.rules;
  }

  /** For one request: the total delay, then the terminal fault (http or drop) if any. */
  take(method: string): { delayMs: number; terminal?: FaultRule } {
    const m = method.toLowerCase();
    let delayMs = 0;
    let terminal: FaultRule | undefined;
    for (const r of this.rules) {
      if (r.method !== '*' && r.method !== m) continue;
      if (r.kind === 'delay') {
        delayMs += r.ms;
        r.remaining--;
      } else if (!terminal) {
        terminal = r;
        r.remaining--;
      }
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return { delayMs, terminal };
  }
}
