// Live messages of the logged-in user account: its MTProto updates (telegram/user/updates.ts,
// pts-checked, gaps filled by getDifference) published to services.events like the bot's. Started
// once per run, when the profile has a user login or once `login` gives it one; services.close()
// stops it.

import type { Notice, Services } from './services.js';

const started = new WeakMap<Services, Promise<boolean>>();

/**
 * Starts the user's live messages; resolves true when they run. False when no user is logged in:
 * they then start once `login` succeeds in this run (services.userLoggedIn).
 */
export function startUserLive(services: Services, notice: Notice, isDone: () => boolean = () => false): Promise<boolean> {
  let p = started.get(services);
  if (!p) {
    p = start(services, notice, isDone).then(
      (running) => {
        if (!running) {
          started.delete(services);
          if (!isDone()) services.onUserLogin(() => void startUserLive(services, notice, isDone));
        }
        return running;
      },
      (e: unknown) => {
        notice(`tgsh: live messages of the user account are off: ${e instanceof Error ? e.message : String(e)}`);
        started.delete(services);
        return false;
      },
    );
    started.set(services, p);
  }
  return p;
}

async function start(services: Services, notice: Notice, isDone: () => boolean): Promise<boolean> {
  const store = await services.store(notice);
  const settings = await services.telegram(notice);
  if (store.credentials.identity()?.kind !== 'user' || settings.apiId === undefined || isDone()) return false;
  const [account, { UserUpdates }] = await Promise.all([services.user(notice), import('../telegram/user/updates.js')]);
  // Marked as the user's: the hub shows a message the bot received too only once.
  const live = new UserUpdates(account, { publish: (e) => services.events.publish({ ...e, via: 'user' }), notice });
  services.onClose(() => live.stop());
  await live.start();
  return true;
}
