// The sender of one tgsh process: grammY's Api for the configured bot, the SendLimiter that keeps
// every send of this process within Telegram's limits, and the bot's identity (getMe, asked once).
// Session creates one per run (services.botSender), so the shell, msg and broadcast share one limiter.
// It is the bot's implementation of the Sender seam (../sender.ts), plus what only a bot has: its
// Api (getChat, getUpdates), its start link, its getMe.

import type { Api } from 'grammy';
import { requireSettings, type TelegramSettings } from '../settings.js';
import { TgshError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import { createBotApi } from './api.js';
import { isMeAnswer, UnexpectedAnswer } from './answers.js';
import { explainCallError } from './explain.js';
import { callWithFloodWaits } from './flood.js';
import { SendLimiter } from './limiter.js';
import { DOCUMENT_MAX_BYTES, PHOTO_MAX_BYTES } from './files.js';
import { sendOne, type BotSendOutcome, type SendDeps } from './send.js';
import type { MessageContent, Recipient, Sender, SenderCapabilities, SendMessageOptions } from '../sender.js';
import { startLink } from './start-link.js';

export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
  lastName?: string;
}

export interface SenderOptions {
  /** Per request (default 30 s). */
  timeoutSeconds?: number;
  limiter?: SendLimiter;
  /** --max-wait, for the flood waits of getMe (default 10). */
  maxWaitSeconds?: number;
}

/** What the Bot API lets a bot do. */
export const BOT_CAPABILITIES: SenderCapabilities = {
  fileKinds: ['photo', 'document', 'video', 'audio', 'voice', 'animation'],
  maxPhotoBytes: PHOTO_MAX_BYTES,
  maxFileBytes: DOCUMENT_MAX_BYTES,
  writeFirst: false,
  startLink: true,
  resolveUsernames: false,
  silent: true,
};

export class BotSender implements Sender {
  readonly identity = 'bot' as const;
  readonly capabilities = BOT_CAPABILITIES;
  readonly limiter: SendLimiter;
  private meOnce: Promise<BotIdentity> | undefined;

  constructor(
    readonly api: Api,
    /** `--bot-api-root`, for messages (never holds the token). */
    readonly apiRoot: string,
    readonly secrets: ReadonlyArray<Secret | undefined>,
    limiter?: SendLimiter,
    /** --max-wait, for the flood waits of calls other than sends (getMe). */
    readonly maxWaitSeconds = 10,
  ) {
    this.limiter = limiter ?? new SendLimiter();
  }

  /** What sendOne needs, for callers that schedule sends themselves (broadcast). */
  get deps(): SendDeps {
    return { api: this.api, limiter: this.limiter, secrets: this.secrets };
  }

  /** One message to one chat, through this process's limiter (see sendOne). */
  sendMessage(recipient: Recipient, content: MessageContent, options: SendMessageOptions): Promise<BotSendOutcome> {
    return sendOne(this.deps, recipient, content, options);
  }

  /** The bot itself (getMe once per process; a failure is not kept). Throws TgshError. */
  me(signal?: AbortSignal): Promise<BotIdentity> {
    this.meOnce ??= this.fetchMe(signal).catch((e: unknown) => {
      this.meOnce = undefined;
      throw e;
    });
    return this.meOnce;
  }

  /** https://t.me/<bot>?start=<payload>. Throws TgshError when getMe fails. */
  async startLink(payload?: string, signal?: AbortSignal): Promise<string> {
    return startLink((await this.me(signal)).username, payload);
  }

  /** The start link, or undefined when the bot can not be asked (for hints that are a bonus). */
  async startLinkIfKnown(payload?: string): Promise<string | undefined> {
    try {
      return await this.startLink(payload);
    } catch {
      return undefined;
    }
  }

  private async fetchMe(signal?: AbortSignal): Promise<BotIdentity> {
    try {
      const me: unknown = await callWithFloodWaits(() => this.api.getMe(signal as Parameters<Api['getMe']>[0]), {
        maxWaitSeconds: this.maxWaitSeconds,
        signal,
        secrets: this.secrets,
      });
      if (!isMeAnswer(me)) throw new UnexpectedAnswer('getMe');
      return { id: me.id, username: me.username, firstName: me.first_name, lastName: me.last_name };
    } catch (e) {
      const x = explainCallError(e, { apiRoot: this.apiRoot, what: 'getMe', secrets: this.secrets, maxWaitSeconds: this.maxWaitSeconds });
      throw new TgshError(x.code, x.error, x);
    }
  }
}

export async function createSender(settings: TelegramSettings, opts: SenderOptions = {}): Promise<BotSender> {
  requireSettings(settings, 'botapi', 'the Bot API');
  const token = settings.botToken!;
  const api = await createBotApi({ token, apiRoot: settings.botApiRoot, timeoutSeconds: opts.timeoutSeconds });
  return new BotSender(api, settings.botApiRoot, [token, settings.apiHash], opts.limiter, opts.maxWaitSeconds);
}
