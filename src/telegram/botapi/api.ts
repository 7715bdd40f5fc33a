// The Bot API client: grammY's `Api`, created on first use (grammy is imported only then), and
// its failures split the way grammY splits them: Telegram refused (GrammyError) or the network
// failed (HttpError). grammY's HttpError carries the request URL, bot token included: nothing of
// it is shown except through `describeBotApiFailure`, which scrubs every secret.

import { createRequire } from 'node:module';
import type { Api } from 'grammy';
import { type Secret, scrubSecrets } from '../../core/secret.js';
import type { NetworkReason } from '../sender.js';

export const TELEGRAM_BOT_API_ROOT = 'https://api.telegram.org';

export interface BotApiOptions {
  token: Secret;
  /** Another Bot API server (the sandbox, a self-hosted telegram-bot-api); no trailing slash. */
  apiRoot?: string;
  /** Per request (long polls add their own timeout to this). */
  timeoutSeconds?: number;
}

export async function createBotApi(o: BotApiOptions): Promise<Api> {
  const { Api } = await import('grammy');
  const fetch = statusAwareFetch();
  return new Api(o.token.reveal(), {
    apiRoot: (o.apiRoot ?? TELEGRAM_BOT_API_ROOT).replace(/\/+$/, ''),
    timeoutSeconds: o.timeoutSeconds ?? 30,
    ...(fetch ? { fetch } : {}),
  });
}

/**
 * An answer that is not the Bot API's JSON (a proxy's HTML error page, a web server at the wrong
 * address). grammY would report only "invalid json response body at <URL with the token>"; this
 * keeps the HTTP status and never the URL. grammY appends `(status: statusText)` to its message.
 */
export class NotBotApiAnswer extends Error {
  override name = 'NotBotApiAnswer';
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly contentType: string,
  ) {
    super(`HTTP ${status} ${statusText}`.trim());
  }
}

type FetchLike = (url: string, init?: unknown) => Promise<{ ok: boolean; status: number; statusText: string; headers: { get(name: string): string | null }; text(): Promise<string> }>;

let cachedFetch: FetchLike | null | undefined;

/**
 * grammY's own fetch (node-fetch, its dependency: the agents and abort signals it passes are made
 * for it), wrapped to turn non-JSON answers into NotBotApiAnswer. Undefined when node-fetch can not
 * be found next to grammY: grammY then uses its default and non-JSON answers read as invalid JSON.
 */
function statusAwareFetch(): FetchLike | undefined {
  if (cachedFetch === undefined) {
    try {
      const req = createRequire(import.meta.url);
      const fromGrammy = createRequire(req.resolve('grammy'));
      const mod = fromGrammy('node-fetch') as FetchLike | { default: FetchLike };
      const base = typeof mod === 'function' ? mod : mod.default;
      cachedFetch = async (url, init) => {
        const res = await base(url, init);
        const type = res.headers.get('content-type') ?? '';
        if (!/json/i.test(type)) {
          await res.text().catch(() => '');
          throw new NotBotApiAnswer(res.status, res.statusText, type);
        }
        return res;
      };
    } catch {
      cachedFetch = null;
    }
  }
  return cachedFetch ?? undefined;
}

/** Why a request did not get a Bot API answer. */
export type { NetworkReason };

export type BotApiFailure =
  | {
      kind: 'refused';
      /** Telegram's error code (400, 401, 403, 409, 429...). */
      code: number;
      description: string;
      method: string;
      retryAfter?: number;
      migrateToChatId?: number;
    }
  | {
      kind: 'network';
      method?: string;
      /** One line, secrets scrubbed: what happened (`connection refused`, `HTTP 502 Bad Gateway`...). */
      message: string;
      reason?: NetworkReason;
      /** The HTTP status of a non-Bot-API answer (reason 'http'). */
      status?: number;
      /**
       * 'no' when the request surely never reached a server (refused, unknown host): resending is
       * safe. 'unknown' when it may have been carried out (timeout, dropped connection, 5xx).
       */
      delivered?: 'no' | 'unknown';
    };

interface GrammyErrorLike {
  name: string;
  error_code: number;
  description: string;
  method: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

function isGrammyError(e: unknown): e is GrammyErrorLike {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'GrammyError' && typeof (e as { error_code?: unknown }).error_code === 'number';
}

interface InnerError {
  name?: string;
  message?: string;
  code?: string;
  type?: string;
  status?: number;
  statusText?: string;
  cause?: { code?: string; message?: string };
}

/** What an inner fetch error means, without its text (node-fetch's messages hold the URL). */
function networkReason(inner: InnerError | undefined): { reason: NetworkReason; why: string; delivered: 'no' | 'unknown'; status?: number } {
  if (!inner) return { reason: 'other', why: 'network error', delivered: 'unknown' };
  if (inner.name === 'NotBotApiAnswer' && typeof inner.status === 'number') {
    return { reason: 'http', why: `answered HTTP ${inner.status}${inner.statusText ? ' ' + inner.statusText : ''}, not the Bot API's JSON`, delivered: 'unknown', status: inner.status };
  }
  const code = inner.code ?? inner.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'refused', why: 'connection refused', delivered: 'no' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return { reason: 'dns', why: 'host name not found', delivered: 'no' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: 'dropped', why: 'connection dropped', delivered: 'unknown' };
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return { reason: 'timeout', why: 'timed out', delivered: 'unknown' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return { reason: 'refused', why: 'network unreachable', delivered: 'no' };
  }
  if (inner.type === 'invalid-json') return { reason: 'http', why: "the answer was not the Bot API's JSON", delivered: 'unknown' };
  if (inner.type === 'aborted' || inner.name === 'AbortError') return { reason: 'aborted', why: 'cancelled', delivered: 'unknown' };
  if (/timed out/i.test(inner.message ?? '')) return { reason: 'timeout', why: 'timed out', delivered: 'unknown' };
  return { reason: 'other', why: code ? code : 'network error', delivered: 'unknown' };
}

/** What went wrong, with every secret scrubbed from every text. */
export function describeBotApiFailure(e: unknown, secrets: Iterable<Secret | string | undefined>): BotApiFailure {
  const list = [...secrets];
  if (isGrammyError(e)) {
    return {
      kind: 'refused',
      code: e.error_code,
      description: scrubSecrets(e.description, list),
      method: e.method,
      retryAfter: e.parameters?.retry_after,
      migrateToChatId: e.parameters?.migrate_to_chat_id,
    };
  }
  const err = e as { name?: string; message?: string; error?: InnerError };
  if (err?.name === 'HttpError') {
    const method = /'([A-Za-z]+)'/.exec(err.message ?? '')?.[1];
    const r = networkReason(err.error);
    const message = method ? `${r.why} (${method})` : r.why;
    return { kind: 'network', method, message: scrubSecrets(message, list), reason: r.reason, delivered: r.delivered, status: r.status };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'network', message: scrubSecrets(message, list), reason: 'other', delivered: 'unknown' };
}
