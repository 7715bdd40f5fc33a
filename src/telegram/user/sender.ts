// The user account as a Sender (telegram/sender.ts): one message to one recipient over MTProto,
// every failure as data (its reason, whether it may have arrived) with tgsh's explanation as the
// description. Pacing: Telegram paces a user account itself (FLOOD_WAIT, PEER_FLOOD); the pacer only
// holds a chat (or everything) back for the flood waits it was told.

import { TgshError } from '../../core/errors.js';
import type { PeerRecord } from '../../peers/types.js';
import { MtprotoConnectError, MtprotoRpcError, MtprotoTimeoutError } from '../mtproto/errors.js';
import type { ChatClass, MessageContent, Recipient, SendOutcome, SendPacer, SendReason, Sender, SenderCapabilities, SendMessageOptions } from '../sender.js';
import type { UserAccount } from './account.js';
import { storedPeer } from './convert.js';
import { sendFile, sendText } from './send.js';

const CAPABILITIES: SenderCapabilities = {
  fileKinds: ['photo', 'document', 'video', 'audio'],
  maxPhotoBytes: 10 * 1024 * 1024,
  maxFileBytes: 2000 * 1024 * 1024,
  writeFirst: true,
  startLink: false,
  resolveUsernames: true,
  silent: true,
};

const REASONS: Record<string, SendReason> = {
  PEER_FLOOD: 'forbidden',
  USER_PRIVACY_RESTRICTED: 'forbidden',
  YOU_BLOCKED_USER: 'forbidden',
  USER_IS_BLOCKED: 'blocked',
  INPUT_USER_DEACTIVATED: 'deactivated',
  CHAT_WRITE_FORBIDDEN: 'no_rights',
  CHAT_ADMIN_REQUIRED: 'no_rights',
  CHANNEL_PRIVATE: 'kicked',
  USER_BANNED_IN_CHANNEL: 'no_rights',
  PEER_ID_INVALID: 'chat_not_found',
  MESSAGE_EMPTY: 'empty',
  MESSAGE_TOO_LONG: 'too_long',
  MEDIA_CAPTION_TOO_LONG: 'too_long',
  ENTITY_BOUNDS_INVALID: 'bad_markup',
  REPLY_TO_INVALID: 'reply_not_found',
  IMAGE_PROCESS_FAILED: 'bad_file',
  AUTH_KEY_UNREGISTERED: 'unauthorized',
  SESSION_REVOKED: 'unauthorized',
};

/** Flood waits only: a user account has no per-chat quota tgsh knows of. */
class FloodPacer implements SendPacer {
  readonly policy = { globalPerSecond: 30 };
  private readonly until = new Map<string, number>();
  private left(key: string): number {
    return Math.max(0, (this.until.get(key) ?? 0) - Date.now(), (this.until.get('global') ?? 0) - Date.now());
  }
  async acquire(chatId: number | string, _cls: ChatClass, signal?: AbortSignal): Promise<number> {
    const ms = this.left(String(chatId));
    if (ms > 0) await new Promise<void>((res, rej) => {
      const t = setTimeout(res, ms);
      signal?.addEventListener('abort', () => (clearTimeout(t), rej(new Error('aborted'))), { once: true });
    });
    return Date.now();
  }
  waitFor(chatId: number | string): number {
    return this.left(String(chatId));
  }
  pausedFor(chatId: number | string): number {
    return this.left(String(chatId));
  }
  penalize(chatId: number | string, seconds: number): void {
    this.until.set(String(chatId), Date.now() + seconds * 1000);
  }
  refund(): void {}
  answered(): void {}
}

export class UserSender implements Sender {
  readonly identity = 'user' as const;
  readonly capabilities = CAPABILITIES;
  readonly limiter: SendPacer = new FloodPacer();

  constructor(private readonly account: UserAccount) {}

  private peerOf(r: Recipient): PeerRecord | undefined {
    if (r.peer) return r.peer;
    if (typeof r.chatId !== 'number') return undefined;
    const store = this.account.store;
    return store.byBotApiChatId(r.chatId) ?? (r.chatId > 0 ? storedPeer(store, 'user', r.chatId) : undefined);
  }

  async sendMessage(recipient: Recipient, content: MessageContent, options: SendMessageOptions): Promise<SendOutcome> {
    const started = Date.now();
    const peer = this.peerOf(recipient);
    const base = { chatId: recipient.chatId, attempts: 1 };
    if (!peer) return { ...base, ok: false, reason: 'chat_not_found', code: 400, description: `tgsh does not know ${recipient.chatId}: look it up by @username first`, delivered: 'no', waitedMs: 0 };
    if (content.kind !== 'text' && !CAPABILITIES.fileKinds.includes(content.kind)) {
      return { ...base, ok: false, reason: 'unsupported', code: 0, description: `a user account sends no ${content.kind} here`, delivered: 'no', waitedMs: 0 };
    }
    await this.limiter.acquire(recipient.chatId, recipient.cls, options.signal);
    const o = { notice: (): void => {}, signal: options.signal, replyTo: options.replyTo, silent: options.silent, noPreview: options.disablePreview, parseMode: content.parseMode };
    try {
      const m =
        content.kind === 'text'
          ? await sendText(this.account, peer, content.text, o)
          : 'path' in content.file
            ? await sendFile(this.account, peer, content.kind as 'photo' | 'document' | 'video' | 'audio', content.file.path, content.caption, o)
            : undefined;
      if (!m) return { ...base, ok: false, reason: 'unsupported', code: 0, description: 'a user account sends files from disk only', delivered: 'no', waitedMs: 0 };
      const chatType = peer.kind === 'chat' ? 'group' : peer.kind === 'supergroup' ? 'supergroup' : peer.kind === 'channel' ? 'channel' : 'private';
      return { ok: true, chatId: m.view.chatId, messageId: m.id, date: m.date, message: m.view, chatType, attempts: 1, waitedMs: Date.now() - started };
    } catch (e) {
      return this.failure(e, recipient, started);
    }
  }

  private failure(e: unknown, recipient: Recipient, started: number): SendOutcome {
    const cause = e instanceof TgshError ? e : undefined;
    const text = cause ? cause.message + (cause.hint ? ` (${cause.hint})` : '') : e instanceof Error ? e.message : String(e);
    const base = { ok: false as const, chatId: recipient.chatId, attempts: 1, waitedMs: Date.now() - started, description: text };
    if (cause?.failure === 'flood') {
      if (cause.retryAfter) this.limiter.penalize(recipient.chatId, cause.retryAfter);
      return { ...base, reason: 'flood', code: 420, retryAfter: cause.retryAfter, gaveUp: 'max_wait', delivered: 'no' };
    }
    if (cause?.failure === 'auth') return { ...base, reason: 'unauthorized', code: 401, delivered: 'no' };
    const rpc = /RPC_CALL_FAIL (\d+): ([A-Z_0-9]+)/.exec(cause?.message ?? '');
    if (rpc) return { ...base, reason: REASONS[rpc[2]] ?? (rpc[1] === '403' ? 'forbidden' : 'bad_request'), code: Number(rpc[1]), delivered: 'no' };
    if (e instanceof MtprotoRpcError) return { ...base, reason: REASONS[e.errorMessage] ?? 'refused', code: e.code, delivered: 'no' };
    // No answer: a timeout may have reached Telegram; a refused connection did not.
    if (e instanceof MtprotoTimeoutError || /no answer/.test(text)) return { ...base, reason: 'network', code: 0, network: 'timeout', delivered: 'unknown' };
    if (e instanceof MtprotoConnectError || /cannot reach/.test(text)) return { ...base, reason: 'network', code: 0, network: 'refused', delivered: 'no' };
    return { ...base, reason: 'refused', code: cause?.code ?? 0, delivered: 'unknown' };
  }
}
