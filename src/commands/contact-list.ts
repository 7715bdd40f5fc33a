import { storeOf } from './peer-lookup.js';
import type { CommandSpec } from './types.js';

export const contactList: CommandSpec = {
  name: 'contact_list',
  group: 'peers',
  args: [],
  summary: 'Lists the users and bots tgsh knows, with their consent state',
  help: 'As the bot: answered from the peer store. Consent: started (the user sent /start), blocked, stopped (/stop) or unknown. As the user: its contacts (contacts.getContacts).',
  async run(ctx) {
    const { actingIdentity, userAccount } = await import('./acting.js');
    if ((await actingIdentity(ctx, { botCan: true })) === 'user') {
      const [account, { contacts }] = await Promise.all([userAccount(ctx), import('../telegram/user/dialogs.js')]);
      // Consent is between a user and the bot: not part of a user account's contact list.
      const peers = (await contacts(account, { notice: (t) => ctx.notice(t), signal: ctx.signal })).map((p) => ({ ...p, consent: undefined }));
      return { kind: 'peers', peers, view: 'contacts' };
    }
    const store = await storeOf(ctx);
    return { kind: 'peers', peers: store.contacts(), view: 'contacts' };
  },
};
