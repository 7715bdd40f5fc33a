// The Bot API client: grammY's `Api`, created on first use (grammy is imported only then), and
// its failures split the way grammY splits them: Telegram refused (GrammyError) or the network
// failed (HttpError). grammY's HttpError carries the request URL, bot token included: nothing of
// it is shown except through `describeBotApiFailure`, which scrubs every secret.

import type { Api } from 'grammy';
import type { Secret } from '../../util/secret.js';
import { scrubSecrets } from '../../util/secret.js';

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
  return new Api(o.token.reveal(), { apiRoot: (o.apiRoot ?? TELEGRAM_BOT_API_ROOT).replace(/\/+$/, ''), timeoutSeconds: o.timeoutSeconds ?? 30 });
}

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
  | { kind: 'network'; method?: string; message: string };

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
  const err = e as { name?: string; message?: string; error?: { message?: string; cause?: { code?: string; message?: string }; name?: string } };
  if (err?.name === 'HttpError') {
    const method = /'([A-Za-z]+)'/.exec(err.message ?? '')?.[1];
    const inner = err.error;
    const why = inner?.cause?.code ?? inner?.cause?.message ?? (inner?.name === 'AbortError' ? 'timed out' : inner?.message) ?? 'network error';
    return { kind: 'network', method, message: scrubSecrets(`${err.message ?? 'network request failed'} (${why})`, list) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'network', message: scrubSecrets(message, list) };
}
