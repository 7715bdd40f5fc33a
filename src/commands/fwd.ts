// fwd <peer> <msg-id>+: forwards messages to a peer. As the user: messages.forwardMessages (plain
// ids of its box, or permanent ids); as the bot: forwardMessage per message (permanent ids).

import type { PeerRef } from '../peers/ref.js';
import type { PeerRecord } from '../peers/types.js';
import type { CommandSpec, Result } from './types.js';

export const fwd: CommandSpec = {
  name: 'fwd',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer' },
    { name: 'msg-id', kind: 'string', repeat: true },
  ],
  summary: 'Forwards messages to a peer',
  async run(ctx, input): Promise<Result | Result[]> {
    const { args } = input;
    const ids = args['msg-id'] as string[];
    const acting = await import('./acting.js');
    if ((await acting.actingIdentity(ctx, { botCan: true })) === 'bot') {
      acting.refuseBotModifiers(ctx);
      const { botCall, botMessage } = await import('./bot-message.js');
      const { botSent } = await import('./reply.js');
      // The recipient as msg finds it: an @name never met is looked up; the consent rules apply.
      const { prepare } = await import('./sending.js');
      const target = (await prepare(ctx, input, 'fwd')).to;
      const to = target.target.chatId;
      const out: Result[] = [];
      for (const raw of ids) {
        const ref = await botMessage(raw);
        const sent = await botCall(ctx, 'fwd', (api) => api.forwardMessage(to, ref.chatId, ref.messageId, { disable_notification: ctx.modifiers.silent, message_thread_id: ctx.modifiers.topic }), target);
        out.push(botSent(sent, '[forwarded]'));
      }
      return out;
    }
    const account = await acting.userAccount(ctx);
    const to = await acting.userPeer(ctx, args.peer as PeerRef);
    // Grouped by source chat, in the order given: one forwardMessages per chat.
    const groups: Array<{ from: PeerRecord; ids: number[] }> = [];
    for (const raw of ids) {
      const m = await acting.userMessage(ctx, account, raw);
      const last = groups.at(-1);
      if (last && last.from.kind === m.chat.kind && last.from.id === m.chat.id) last.ids.push(m.id);
      else groups.push({ from: m.chat, ids: [m.id] });
    }
    const { forwardMessages } = await import('../telegram/user/send.js');
    const o = acting.userSendOptions(ctx);
    const sent = [];
    for (const g of groups) sent.push(...(await forwardMessages(account, g.from, g.ids, to, o)));
    return sent.map((m) => acting.messagesResult(ctx, [m], false));
  },
};
