// Live messages in the interactive shell: the background long poll (the same poller as `sync`,
// confirming after flushes) prints incoming messages above the prompt. -D hides them (the
// controller drops `event` lines); the store and the consent ledger are fed either way.

import type { Services } from '../../session/services.js';
import { paintFor } from '../../output/colors.js';
import { senderOf, type BotIdentity } from '../botapi/sender.js';
import { botIdOfToken, scrubSecrets } from '../../core/secret.js';
import { eventLine, incomingEvent } from './events.js';
import { pollerOf, type UpdatePoller } from './index.js';

/** What the shell offers an event source (ShellController has these). */
export interface EventSink {
  print(text: string, kind?: 'event' | 'status'): void;
  notice(text: string): void;
  readonly isDone: boolean;
}

/**
 * Starts the long poll when a bot is configured (does nothing, silently, when none is). Resolves
 * with the poller once it runs; services.close() stops it.
 */
export async function startLiveMessages(services: Services, sink: EventSink): Promise<UpdatePoller | undefined> {
  const notice = (t: string): void => sink.notice(t);
  const settings = await services.telegram(notice);
  if (!settings.botToken || sink.isDone) return undefined;
  const poller = await pollerOf(services, notice, 'live messages');
  const sender = await senderOf(services, notice, 'live messages');
  const store = await services.store(notice);
  const paint = paintFor(services.config.color);
  const json = services.config.json;
  let toldMeFailed = false;
  if (sink.isDone) return undefined;
  poller.startLive({
    notice,
    onBatch: (result) => {
      if (result.messages.length === 0 || sink.isDone) return;
      // The bot's own name is needed for private chats' `to`; getMe is asked once per process.
      // Without it (getMe failed) the messages are shown all the same, the bot named by its id.
      void sender
        .me()
        .catch((e: unknown): BotIdentity => {
          const why = scrubSecrets(e instanceof Error ? e.message : String(e), services.secrets());
          if (!toldMeFailed) sink.notice(`tgsh: getMe failed (${why}); messages to the bot name it by its id`);
          toldMeFailed = true;
          const id = botIdOfToken(settings.botToken) ?? 0;
          return { id, username: '', firstName: `bot${id}` };
        })
        .then((me) => {
          for (const m of result.messages) {
            const e = incomingEvent(store, me, m);
            if (e && !sink.isDone) sink.print(eventLine(e, json, paint), 'event');
          }
        });
    },
  });
  return poller;
}
