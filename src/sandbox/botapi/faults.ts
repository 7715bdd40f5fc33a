// Fault injection for tests: what a proxy or a network in front of the Bot API does. Rules match a
// method name (case-insensitive) or '*', fire once or `times` times, and are taken in order.

export type FaultRule =
  | { kind: 'http'; method: string; remaining: number; status: number; body: string; contentType: string }
  | { kind: 'delay'; method: string; remaining: number; ms: number; answer?: boolean }
  | { kind: 'drop'; method: string; remaining: number }
  /** 429 to a fraction of matching requests, with a retry_after drawn from [min, max]. */
  | { kind: 'random429'; method: string; remaining: number; fraction: number; min: number; max: number; random: () => number }
  /** 429 to every matching request until `until` (wall-clock ms): a flood over the whole bot. */
  | { kind: 'flood'; method: string; remaining: number; until: number };

export interface TooManyRequestsOptions {
  /** Share of matching requests answered 429 (0 to 1). */
  fraction: number;
  /** retry_after in whole seconds: a fixed value or [min, max] (default [1, 3]). */
  retryAfter?: number | [number, number];
  /** How many 429s at most (default Infinity: until cleared). */
  times?: number;
  /** A seeded generator for repeatable runs (default Math.random). */
  random?: () => number;
}

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

  /**
   * Delays the answer to matching requests by `ms`: before the request is carried out, or with
   * `answer`, after (the message is sent at once and its answer comes late: a client that dies
   * meanwhile never learns that it was sent).
   */
  delay(method: string, ms: number, opts: { times?: number; answer?: boolean } = {}): void {
    this.rules.push({ kind: 'delay', method: method.toLowerCase(), remaining: opts.times ?? 1, ms, ...(opts.answer ? { answer: true } : {}) });
  }

  /** Destroys the connection of matching requests without answering. */
  dropConnection(method: string, opts: { times?: number } = {}): void {
    this.rules.push({ kind: 'drop', method: method.toLowerCase(), remaining: opts.times ?? 1 });
  }

  /**
   * Answers a fraction of matching requests `429 Too Many Requests: retry after N` (Telegram's
   * JSON, so the message is not sent), N drawn at random: the flood waits a broadcast must honour.
   */
  tooManyRequests(method: string, opts: TooManyRequestsOptions): void {
    const [min, max] = typeof opts.retryAfter === 'number' ? [opts.retryAfter, opts.retryAfter] : (opts.retryAfter ?? [1, 3]);
    this.rules.push({ kind: 'random429', method: method.toLowerCase(), remaining: opts.times ?? Infinity, fraction: opts.fraction, min, max, random: opts.random ?? Math.random });
  }

  /**
   * A flood over the whole bot for `seconds`: every matching request is answered 429 with the
   * seconds left as retry_after, whatever the chat.
   */
  flood(method: string, seconds: number): void {
    this.rules.push({ kind: 'flood', method: method.toLowerCase(), remaining: Infinity, until: Date.now() + seconds * 1000 });
  }

  /** 429 answers given by tooManyRequests and flood rules. */
  injected429 = 0;

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
  take(method: string): { delayMs: number; answerDelayMs: number; terminal?: FaultRule } {
    const m = method.toLowerCase();
    let delayMs = 0;
    let answerDelayMs = 0;
    let terminal: FaultRule | undefined;
    for (const r of this.rules) {
      if (r.method !== '*' && r.method !== m) continue;
      if (r.kind === 'delay') {
        if (r.answer) answerDelayMs += r.ms;
        else delayMs += r.ms;
        r.remaining--;
      } else if (r.kind === 'random429' || r.kind === 'flood') {
        if (terminal) continue;
        const now = Date.now();
        let retryAfter: number | undefined;
        if (r.kind === 'flood') {
          if (now >= r.until) r.remaining = 0;
          else retryAfter = Math.max(1, Math.ceil((r.until - now) / 1000));
        } else if (r.random() < r.fraction) retryAfter = r.min + Math.floor(r.random() * (r.max - r.min + 1));
        if (retryAfter === undefined) continue;
        if (r.kind === 'random429') r.remaining--;
        this.injected429++;
        const body = JSON.stringify({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
        terminal = { kind: 'http', method: r.method, remaining: 0, status: 429, body, contentType: 'application/json' };
      } else if (!terminal) {
        terminal = r;
        r.remaining--;
      }
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return { delayMs, answerDelayMs, terminal };
  }
}
