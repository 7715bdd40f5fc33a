// The sandbox world: one model behind the MTProto data centre and the Bot API server. Its state
// is WorldCore (core.ts); World adds the users' own message boxes (accounts.ts, what their MTProto
// sessions see) and the driver (users acting, driver.ts). Both work on the state, which knows
// neither, so there is no import cycle between them.

import { UserAccounts } from './accounts.js';
import { WorldCore } from './core.js';
import { WorldDriver } from './driver.js';
import { seedForums, seedUpdates } from './seed.js';
import type { WorldData } from './types.js';

export * from './core.js';

export class World extends WorldCore {
  /** Users' own message boxes and update sequences (what MTProto user sessions see). */
  readonly accounts: UserAccounts;
  private worldDriver?: WorldDriver;

  constructor(data: WorldData) {
    super(data);
    // The world file's history, as WorldCore's state holds it (before the users' boxes exist, as ever).
    seedForums(this);
    seedUpdates(this);
    this.accounts = new UserAccounts(this);
    this.botMessages = this.accounts;
  }

  /** Users acting in the world: messages, /start, blocks, joins, button presses, edits. */
  get driver(): WorldDriver {
    return (this.worldDriver ??= new WorldDriver(this));
  }
}
