import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const contactList: CommandSpec = {
  name: 'contact_list',
  group: 'peers',
  args: [],
  summary: 'Lists the users and bots tgsh knows, with their consent state',
  help: 'Answered from the peer store. Consent: started (the user sent /start), blocked, stopped (/stop) or unknown.',
  async run(ctx) {
    const store = await storeOf(ctx);
    return { kind: 'peers', peers: store.contacts(), view: 'contacts' };
  },
};
