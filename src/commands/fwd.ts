// fwd <peer> <msg-id>+: forwards messages to a peer. As the user: messages.forwardMessages (plain
// ids of its box, or permanent ids); as the bot (permanent ids): one forwardMessages for several
// messages of one chat in increasing order, forwardMessage for a single one.

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
      const refs = [];
      for (const raw of ids) refs.push(await botMessage(raw));
      const [{ forwardRuns, isMessageIdList }, { UnexpectedAnswer }] = await Promise.all([import('../telegram/botapi/forward.js'), import('../telegram/botapi/answers.js')]);
      const options = { disable_notification: ctx.modifiers.silent, message_thread_id: ctx.modifiers.topic };
      const out: Result[] = [];
      // A chat known only by its @name (no numeric id for the answers): one forwardMessage each, as before.
      const runs = typeof to === 'number' ? forwardRuns(refs) : refs.map((r) => ({ chatId: r.chatId, messageIds: [r.messageId] }));
      for (const run of runs) {
        if (run.messageIds.length === 1 || typeof to !== 'number') {
          const sent = await botCall(ctx, 'fwd', (api) => api.forwardMessage(to, run.chatId, run.messageIds[0], options), target);
          out.push(botSent(sent, '[forwarded]'));
          continue;
        }
        const sent = await botCall(
          ctx,
          'fwd',
          async (api) => {
            const r: unknown = await api.forwardMessages(to, run.chatId, run.messageIds, options);
            if (!isMessageIdList(r)) throw new UnexpectedAnswer('forwardMessages');
            return r;
          },
          target,
        );
        // forwardMessages answers only the new ids: the chat is the one written in, the time now.
        const date = Math.floor(Date.now() / 1000);
        for (const m of sent) out.push({ kind: 'sent', message: { messageId: m.message_id, chatId: to, date, out: true, chatName: target.name, text: '[forwarded]' } });
        const missed = run.messageIds.length - sent.length;
        // Telegram leaves out what it can not forward (gone, protected, a service message) and says nothing.
        if (missed > 0) ctx.notice(`tgsh: fwd: ${missed} of ${run.messageIds.length} messages were not forwarded (not there, protected, or a service message)`);
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
