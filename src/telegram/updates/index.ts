// The bot's update poller (sync and live events share it). Session creates one per run.

import { createBotApi } from '../botapi/api.js';
import type { BotSender } from '../botapi/sender.js';
import { join } from 'node:path';
import { botIdOfToken } from '../../core/secret.js';
import type { PeerStore } from '../../store/peer-store.js';
import type { TelegramSettings } from '../settings.js';
import { UpdateJournal } from './journal.js';
import { LIVE_POLL_SECONDS, UpdatePoller } from './poller.js';

export { UpdatePoller } from './poller.js';

export interface PollerDeps {
  sender: BotSender;
  store: PeerStore;
  settings: TelegramSettings;
  /** The profile folder, where the update journal lives. */
  profileDir: string;
  botApiTimeoutSeconds?: number;
  /** How often a live poll retries the poller lock another process holds (poller.ts LOCK_RETRY_MS). */
  lockRetryMs?: number;
}

/** A poller for the configured bot, with its own long-poll Api (a longer timeout than sends). */
export async function createPoller(d: PollerDeps): Promise<UpdatePoller> {
  const base = d.botApiTimeoutSeconds ?? 30;
  const pollApi = await createBotApi({ token: d.settings.botToken!, apiRoot: d.settings.botApiRoot, timeoutSeconds: base + LIVE_POLL_SECONDS });
  // One journal per bot, as the offsets it goes with (store.useBot).
  const bot = botIdOfToken(d.settings.botToken);
  const journal = new UpdateJournal(join(d.profileDir, bot === undefined ? 'updates.journal' : `updates-${bot}.journal`));
  // The bot's name for "bot @name's updates are read by ..." (getMe, asked once per process, and
  // only when another process holds the poller lock).
  const botName = async (): Promise<string> => {
    const me = await d.sender.me().catch(() => undefined);
    return me?.username ? `bot @${me.username}` : `bot ${me?.id ?? bot ?? '?'}`;
  };
  return new UpdatePoller({ api: d.sender.api, pollApi, store: d.store, secrets: d.sender.secrets, apiRoot: d.sender.apiRoot, journal, botName, lockRetryMs: d.lockRetryMs, lock: d.settings.sandbox === undefined });
}
