// The shell's live messages: incoming events printed above the prompt (-D hides them: the
// controller drops `event` lines), as telegram-cli's lines or JSON.

import { paintFor } from '../output/colors.js';
import { eventLine } from '../output/event.js';
import { startLiveEvents } from '../session/live.js';
import { startUserLive } from '../session/user-live.js';
import type { Services } from '../session/services.js';
import type { UpdatePoller } from '../telegram/updates/poller.js';

/** What the shell offers an event source (ShellController has these). */
export interface EventSink {
  print(text: string, kind?: 'event' | 'status'): void;
  notice(text: string): void;
  readonly isDone: boolean;
}

/** Subscribes the shell to the run's events and starts the long poll; resolves with the poller once it runs. */
export async function startLiveMessages(services: Services, sink: EventSink): Promise<UpdatePoller | undefined> {
  const paint = paintFor(services.config.color);
  const unsubscribe = services.events.subscribe((e) => {
    if (sink.isDone) unsubscribe();
    // Consent events are for scripts (main_session, listen); the shell shows messages as before.
    else if (e.event === 'consent') return;
    else sink.print(eventLine(e, services.config.json, paint), 'event');
  });
  services.onClose(unsubscribe);
  try {
    const poller = await startLiveEvents(services, (t) => sink.notice(t), () => sink.isDone);
    // Without a user login yet the subscription stays: a `login` in this shell starts the user's
    // live messages (session/user-live.ts).
    await startUserLive(services, (t) => sink.notice(t), () => sink.isDone);
    return poller;
  } catch (e) {
    unsubscribe();
    throw e;
  }
}
