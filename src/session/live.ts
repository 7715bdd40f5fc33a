// Live events: the background long poll (the same poller as `sync`, confirming after flushes)
// publishes incoming messages and consent changes (started, stopped, blocked) to services.events,
// for every client that listens (the shell, daemon connections that sent main_session, `listen`).
// Started once per run; the store and the consent ledger are fed whether anyone listens or not.

import { botIdOfToken, scrubSecrets } from '../core/secret.js';
import type { BotIdentity } from '../telegram/botapi/sender.js';
import { incomingEvent } from '../telegram/updates/events.js';
import type { UpdatePoller } from '../telegram/updates/poller.js';
import type { ConsentChange } from '../telegram/updates/apply.js';
import type { Notice, Services } from './services.js';
import { startUserLive } from './user-live.js';

const started = new WeakMap<Services, Promise<UpdatePoller | undefined>>();

/**
 * Starts the long poll when a bot is configured (resolves undefined, silently, when none is).
 * `notice` takes the poll's own notices (stops, getMe failures). services.close() stops it.
 * `mode` (default `daemon` or `shell`) is what other processes are told polls the bot.
 */
export function startLiveEvents(services: Services, notice: Notice, isDone: () => boolean = () => false, mode?: string): Promise<UpdatePoller | undefined> {
  // The user account's live messages run beside the bot's (session/user-live.ts).
  void startUserLive(services, notice, isDone);
  let p = started.get(services);
  if (!p) {
    // What the other processes are told polls the bot while this one holds the poller lock.
    p = start(services, notice, isDone, mode ?? (services.config.daemon ? 'daemon' : 'shell'));
    started.set(services, p);
    p.catch(() => started.delete(services));
  }
  return p;
}

async function start(services: Services, notice: Notice, isDone: () => boolean, mode: string): Promise<UpdatePoller | undefined> {
  const settings = await services.telegram(notice);
  if (!settings.botToken || isDone()) return undefined;
  const poller = await services.poller(notice, 'live messages');
  const sender = await services.botSender(notice, 'live messages');
  const store = await services.store(notice);
  let toldMeFailed = false;
  if (isDone()) return undefined;
  poller.startLive({
    notice,
    mode,
    onBatch: (result) => {
      if (result.messages.length === 0) {
        publishConsent(services, result.consentChanges);
        return;
      }
      // The bot's own name is needed for private chats' `to`; getMe is asked once per process.
      // Without it (getMe failed) the messages are published all the same, the bot named by its id.
      void sender
        .me()
        .catch((e: unknown): BotIdentity => {
          const why = scrubSecrets(e instanceof Error ? e.message : String(e), services.secrets());
          if (!toldMeFailed) notice(`tgsh: getMe failed (${why}); messages to the bot name it by its id`);
          toldMeFailed = true;
          const id = botIdOfToken(settings.botToken) ?? 0;
          return { id, username: '', firstName: `bot${id}` };
        })
        .then((me) => {
          for (const m of result.messages) {
            const e = incomingEvent(store, me, m);
            if (e) services.events.publish(e);
          }
          // After the messages that made them (a /start, then `started`).
          publishConsent(services, result.consentChanges);
        });
    },
  });
  return poller;
}

/** The batch's consent changes (already in the ledger) as events: started, stopped, blocked. */
function publishConsent(services: Services, changes: readonly ConsentChange[]): void {
  for (const c of changes) {
    if (c.to === 'unknown') continue;
    services.events.publish({ event: 'consent', peer: c.peer, state: c.to, date: Math.floor(c.at / 1000) });
  }
}
