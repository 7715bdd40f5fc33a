// The process's update poller (sync and the shell's live messages share it), created on first use.

import type { Notice, Services } from '../../session/services.js';
import { createBotApi } from '../botapi/api.js';
import { senderOf } from '../botapi/sender.js';
import { join } from 'node:path';
import { botIdOfToken } from '../../core/secret.js';
import { UpdateJournal } from './journal.js';
import { LIVE_POLL_SECONDS, UpdatePoller } from './poller.js';

export { UpdatePoller } from './poller.js';

/** Throws the exit-4 failure naming --bot-token (for `what`) when no bot is configured. */
export async function pollerOf(services: Services, notice: Notice, what: string): Promise<UpdatePoller> {
  const sender = await senderOf(services, notice, what);
  const store = await services.store(notice);
  return services.shared('updates', async () => {
    const settings = await services.telegram(notice);
    const base = services.config.botApiTimeoutSeconds ?? 30;
    const pollApi = await createBotApi({ token: settings.botToken!, apiRoot: settings.botApiRoot, timeoutSeconds: base + LIVE_POLL_SECONDS });
    // One journal per bot, as the offsets it goes with (store.useBot).
    const bot = botIdOfToken(settings.botToken);
    const journal = new UpdateJournal(join(services.paths.dir, bot === undefined ? 'updates.journal' : `updates-${bot}.journal`));
    const poller = new UpdatePoller({ api: sender.api, pollApi, store, secrets: sender.secrets, apiRoot: sender.apiRoot, journal });
    services.onClose(() => poller.stopLive());
    return poller;
  });
}
