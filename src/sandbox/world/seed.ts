// What the world file says happened before tgsh came: the messages that opened each forum's
// topics, and the updates Telegram would still hold for the seeded relations (/start, blocks).
// Run once, by World's constructor.

import { CHANNEL_ID_OFFSET, type WorldChat, type WorldCore } from './core.js';
import { detectEntities } from './text-entities.js';

/**
 * A forum's topics are the messages that opened them (a topic's id is that message's id), so
 * each forum's box starts with them: message 1 opened the supergroup (its General topic), the
 * others up to the last topic opened a topic or stand in for a message since deleted.
 */
export function seedForums(w: WorldCore): void {
  for (const ch of w.channels.values()) {
    if (ch.broadcast || !ch.forum || !ch.topics?.length) continue;
    const c = w.chatById(-CHANNEL_ID_OFFSET - ch.id)!;
    const byId = new Map(ch.topics.map((t) => [t.id, t]));
    const last = Math.max(...byId.keys());
    const creator = w.users.get(ch.creator ?? ch.members[0] ?? -1);
    const from = creator ? { from: w.botApiUser(creator) } : {};
    for (let id = 1; id <= last; id++) {
      const t = byId.get(id);
      if (id === 1) w.addMessage(0, c, { ...from, supergroup_chat_created: true }, {});
      else if (t) w.addMessage(0, c, { message_thread_id: id, ...from, is_topic_message: true, forum_topic_created: { name: t.title, icon_color: 7322096 } });
      else w.addMessage(0, c, { ...from }); // an empty stand-in: no content, nothing shows it
    }
  }
}

/**
 * The updates Telegram would still hold for the seeded relations: each started relation sent
 * `/start [payload]`, each blocked one then a my_chat_member (member -> kicked).
 */
export function seedUpdates(w: WorldCore): void {
  type Ev = { at: number; order: number; run: () => void };
  const evs: Ev[] = [];
  let order = 0;
  // In time order; what happened at the same second, in the order found.
  const later = (at: number, run: () => void): void => {
    evs.push({ at, order: order++, run });
  };
  for (const r of w.relations) {
    const user = w.users.get(r.user);
    const bot = w.bots.get(r.bot);
    if (!user || !bot) continue;
    const c: WorldChat = { type: 'private', id: user.id, user };
    const started = r.started_at;
    if (started !== undefined) {
      later(started, () => {
        const text = r.start_payload ? `/start ${r.start_payload}` : '/start';
        const msg = w.addMessage(bot.id, c, { from: w.botApiUser(user), date: started, text, entities: detectEntities(text) });
        w.pushUpdate(bot.id, 'message', msg);
      });
    }
    const blocked = r.blocked_at;
    if (blocked !== undefined) {
      later(blocked, () => {
        w.pushUpdate(bot.id, 'my_chat_member', {
          chat: w.botApiChat(c),
          from: w.botApiUser(user),
          date: blocked,
          old_chat_member: { user: w.botApiUser(bot), status: 'member' },
          new_chat_member: { user: w.botApiUser(bot), status: 'kicked', until_date: 0 },
        });
      });
    }
  }
  evs.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const e of evs) e.run();
}
