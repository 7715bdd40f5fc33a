// Sending and changing messages as a user account: messages.sendMessage, sendMedia,
// forwardMessages, editMessage, deleteMessages, readHistory.

import { type AccountMedia, type AccountMessage, type AccountPeer, type NewMessageContent, CAPTION_LENGTH_MAX, MESSAGE_LENGTH_MAX } from '../../world/accounts.js';
import type { BotApiMessageEntity } from '../../world/botapi-types.js';
import { ERR, rpcError } from '../errors.js';
import { Api, big } from '../gramjs.js';
import { entitiesFromTl, entitiesToTl, peersOf, tlMessage } from '../messages-tl.js';
import { accountPeer, boxMessage, checkCanSend, useRandomId, userOnly } from './account-common.js';
import { channelForwardSources, editInChannel, forwardToChannel, sendMediaToChannel, sendMessageToChannel } from './channel-send.js';
import type { MethodContext, MethodTable } from './types.js';
import { uploadedMedia } from './upload.js';

/** A request's random_id (GramJS's long). */
type RandomId = Api.messages.ForwardMessages['randomId'][number];

/** How far ahead a message may be scheduled (Telegram: 365 days). */
const SCHEDULE_MAX_SECONDS = 366 * 86400;
/** config.edit_time_limit: 48 hours. */
const EDIT_TIME_LIMIT = 172800;

function replyToId(req: { replyTo?: Api.TypeInputReplyTo }, ctx: MethodContext, me: number, peer: AccountPeer): number | undefined {
  const r = req.replyTo;
  if (!(r instanceof Api.InputReplyToMessage)) return undefined;
  // Telegram sends without the reply when the message replied to is not in the chat.
  return boxMessage(ctx, me, peer, r.replyToMsgId) ? r.replyToMsgId : undefined;
}

/**
 * A forum topic (reply_to.top_msg_id, forwardMessages' top_msg_id) belongs to a forum supergroup;
 * the chats of a user's box (private chats, basic groups) have none: TOPIC_ID_INVALID.
 */
function checkNoTopic(topMsgId: number | undefined | null): void {
  if (topMsgId !== undefined && topMsgId !== null) throw rpcError(400, 'TOPIC_ID_INVALID');
}

function topicOf(req: { replyTo?: Api.TypeInputReplyTo }): number | undefined {
  return req.replyTo instanceof Api.InputReplyToMessage ? req.replyTo.topMsgId : undefined;
}

function checkText(text: string, max: number, tooLong: string): void {
  if (text.length > max) throw rpcError(400, tooLong);
}

/** For a message sent in a basic group: the group's bots get it as the Bot API shows it. */
function mirrorToBots(ctx: MethodContext, me: number, peer: AccountPeer, m: AccountMessage): void {
  if (peer.type === 'chat') ctx.world.driver.groupPostByAccount(me, peer.id, m.text, m.entities);
}

/**
 * Sends now, or keeps the message for later when schedule_date is ahead: the scheduled one
 * answers updateNewScheduledMessage (no pts), as Telegram does.
 */
function sendOrSchedule(
  ctx: MethodContext,
  me: number,
  peer: AccountPeer,
  content: NewMessageContent,
  scheduleDate: number | undefined,
): { sent?: AccountMessage; scheduled?: Api.Message } {
  const now = ctx.world.now();
  if (scheduleDate !== undefined && scheduleDate > now) {
    if (scheduleDate > now + SCHEDULE_MAX_SECONDS) throw rpcError(400, 'SCHEDULE_DATE_TOO_LATE');
    const s = ctx.world.accounts.schedule(me, peer, scheduleDate, content);
    const draft: AccountMessage = { id: s.id, owner: me, peer, from: me, out: true, date: scheduleDate, text: content.text, entities: content.entities ?? [], media: content.media, silent: content.silent ?? false, origin: 0 };
    const m = tlMessage(draft, ctx.endpoint.dcId);
    m.fromScheduled = true;
    return { scheduled: m };
  }
  const sent = ctx.world.accounts.send(me, peer, content, ctx.session);
  mirrorToBots(ctx, me, peer, sent);
  return { sent };
}

function updatesOf(ctx: MethodContext, me: number, items: Array<{ randomId: unknown; sent?: AccountMessage; scheduled?: Api.Message }>): Api.Updates {
  const updates: Api.TypeUpdate[] = [];
  const messages: AccountMessage[] = [];
  const a = ctx.world.accounts.account(me);
  for (const it of items) {
    const id = it.sent?.id ?? it.scheduled!.id;
    if (it.randomId !== undefined) updates.push(new Api.UpdateMessageID({ id, randomId: big((it.randomId as { toString(): string }).toString()) }));
  }
  for (const it of items) {
    if (it.scheduled) updates.push(new Api.UpdateNewScheduledMessage({ message: it.scheduled }));
    else {
      messages.push(it.sent!);
      const e = a.log.find((x) => x.update.kind === 'new' && x.update.message === it.sent);
      updates.push(new Api.UpdateNewMessage({ message: tlMessage(it.sent!, ctx.endpoint.dcId), pts: e?.pts ?? a.pts, ptsCount: 1 }));
    }
  }
  const { users, chats } = peersOf(ctx.world, me, messages, [me]);
  return new Api.Updates({ updates, users, chats, date: ctx.world.now(), seq: 0 });
}

/** messages.sendMessage to a supergroup or broadcast channel (channel-send.ts); scheduling there is not served. */
function sendMessageToSupergroup(req: Api.messages.SendMessage, ctx: MethodContext, me: number): Api.Updates {
  const text = req.message ?? '';
  if (text.trim() === '') throw rpcError(400, 'MESSAGE_EMPTY');
  checkText(text, MESSAGE_LENGTH_MAX, 'MESSAGE_TOO_LONG');
  return sendMessageToChannel(req, ctx, me, text, entitiesFromTl(ctx.world, req.entities));
}

export const messageMethods: MethodTable = {
  'messages.sendMessage': {
    login: true,
    run(req: Api.messages.SendMessage, ctx) {
      const me = userOnly(ctx);
      if (req.peer instanceof Api.InputPeerChannel) return sendMessageToSupergroup(req, ctx, me);
      const peer = accountPeer(ctx, req.peer, me, 'send');
      checkNoTopic(topicOf(req));
      const text = req.message ?? '';
      if (text.trim() === '') throw rpcError(400, 'MESSAGE_EMPTY');
      checkText(text, MESSAGE_LENGTH_MAX, 'MESSAGE_TOO_LONG');
      checkCanSend(ctx, me, peer);
      useRandomId(ctx, me, req.randomId);
      const content: NewMessageContent = {
        text,
        entities: entitiesFromTl(ctx.world, req.entities),
        replyTo: replyToId(req, ctx, me, peer),
        silent: req.silent === true,
      };
      const r = sendOrSchedule(ctx, me, peer, content, req.scheduleDate);
      if (!r.sent) return updatesOf(ctx, me, [{ randomId: req.randomId, ...r }]);
      const a = ctx.world.accounts.account(me);
      return new Api.UpdateShortSentMessage({
        out: true,
        id: r.sent.id,
        pts: a.pts,
        ptsCount: 1,
        date: r.sent.date,
        entities: r.sent.entities.length ? entitiesToTl(r.sent.entities) : undefined,
      });
    },
  },

  'messages.sendMedia': {
    login: true,
    run(req: Api.messages.SendMedia, ctx) {
      const me = userOnly(ctx);
      const caption = req.message ?? '';
      if (req.peer instanceof Api.InputPeerChannel) {
        checkText(caption, CAPTION_LENGTH_MAX, 'MEDIA_CAPTION_TOO_LONG');
        return sendMediaToChannel(req, ctx, me, caption, entitiesFromTl(ctx.world, req.entities));
      }
      const peer = accountPeer(ctx, req.peer, me, 'send');
      checkNoTopic(topicOf(req));
      checkText(caption, CAPTION_LENGTH_MAX, 'MEDIA_CAPTION_TOO_LONG');
      const media: AccountMedia = uploadedMedia(ctx, req.media);
      checkCanSend(ctx, me, peer);
      useRandomId(ctx, me, req.randomId);
      const content: NewMessageContent = {
        text: caption,
        entities: entitiesFromTl(ctx.world, req.entities),
        media,
        replyTo: replyToId(req, ctx, me, peer),
        silent: req.silent === true,
      };
      return updatesOf(ctx, me, [{ randomId: req.randomId, ...sendOrSchedule(ctx, me, peer, content, req.scheduleDate) }]);
    },
  },

  'messages.forwardMessages': {
    login: true,
    run(req: Api.messages.ForwardMessages, ctx) {
      const me = userOnly(ctx);
      if (!req.id.length) throw rpcError(400, 'MESSAGE_IDS_EMPTY');
      if (req.randomId.length !== req.id.length) throw rpcError(400, 'RANDOM_ID_INVALID');
      if (req.toPeer instanceof Api.InputPeerChannel) return forwardToChannel(req, ctx, me);
      const fromChannel = req.fromPeer instanceof Api.InputPeerChannel;
      const from = fromChannel ? undefined : accountPeer(ctx, req.fromPeer, me, 'read');
      const to = accountPeer(ctx, req.toPeer, me, 'send');
      checkNoTopic(req.topMsgId as number | undefined);
      // What is forwarded: messages of this account's box, or of a supergroup or channel (channel-send.ts).
      let sources: Array<{ content: NewMessageContent; randomId: unknown }>;
      if (!from) sources = channelForwardSources(ctx, req, me);
      else {
        const found = req.id
          .map((id, i) => ({ m: boxMessage(ctx, me, from, id), randomId: req.randomId[i] }))
          .filter((o): o is { m: AccountMessage; randomId: RandomId } => o.m !== undefined);
        if (!found.length) throw rpcError(400, 'MESSAGE_ID_INVALID');
        sources = found.map((o) => ({
          randomId: o.randomId,
          content: {
            text: o.m.text,
            entities: o.m.entities,
            media: o.m.media,
            silent: req.silent === true,
            // The original author stays in the header (a forward of a forward keeps the first one).
            fwdFrom: req.dropAuthor ? undefined : (o.m.fwdFrom ?? { from: o.m.from, date: o.m.date }),
          },
        }));
      }
      checkCanSend(ctx, me, to);
      for (const o of sources) useRandomId(ctx, me, o.randomId);
      const items = sources.map((o) => ({ randomId: o.randomId, ...sendOrSchedule(ctx, me, to, o.content, req.scheduleDate) }));
      return updatesOf(ctx, me, items);
    },
  },

  'messages.editMessage': {
    login: true,
    run(req: Api.messages.EditMessage, ctx) {
      const me = userOnly(ctx);
      if (req.peer instanceof Api.InputPeerChannel) return editInChannel(req, ctx, me, { text: MESSAGE_LENGTH_MAX, caption: CAPTION_LENGTH_MAX });
      const peer = accountPeer(ctx, req.peer, me, 'read');
      const m = boxMessage(ctx, me, peer, req.id);
      if (!m) throw rpcError(400, 'MESSAGE_ID_INVALID');
      if (!m.out) throw rpcError(403, 'MESSAGE_AUTHOR_REQUIRED');
      const savedMessages = peer.type === 'user' && peer.id === me;
      if (!savedMessages && ctx.world.now() - m.date > EDIT_TIME_LIMIT) throw rpcError(400, 'MESSAGE_EDIT_TIME_EXPIRED');
      if (req.media) throw ERR.methodNotImplemented();
      if (req.message === undefined || req.message === null) throw rpcError(400, 'MESSAGE_NOT_MODIFIED');
      const text = req.message;
      if (!m.media && text.trim() === '') throw rpcError(400, 'MESSAGE_EMPTY');
      if (m.media) checkText(text, CAPTION_LENGTH_MAX, 'MEDIA_CAPTION_TOO_LONG');
      else checkText(text, MESSAGE_LENGTH_MAX, 'MESSAGE_TOO_LONG');
      const entities: BotApiMessageEntity[] = req.entities ? entitiesFromTl(ctx.world, req.entities) : [];
      if (text === m.text && JSON.stringify(entities) === JSON.stringify(m.entities)) throw rpcError(400, 'MESSAGE_NOT_MODIFIED');
      const edited = ctx.world.accounts.edit(me, m.id, text, entities, ctx.session);
      const a = ctx.world.accounts.account(me);
      const e = [...a.log].reverse().find((x) => x.update.kind === 'edit' && x.update.message === edited);
      const { users, chats } = peersOf(ctx.world, me, [edited], [me]);
      return new Api.Updates({
        updates: [new Api.UpdateEditMessage({ message: tlMessage(edited, ctx.endpoint.dcId), pts: e?.pts ?? a.pts, ptsCount: 1 })],
        users,
        chats,
        date: ctx.world.now(),
        seq: 0,
      });
    },
  },

  'messages.deleteMessages': {
    login: true,
    run(req: Api.messages.DeleteMessages, ctx) {
      const me = userOnly(ctx);
      const a = ctx.world.accounts.account(me);
      // In a basic group only admins delete other people's messages for everyone.
      const ids = req.id.filter((id) => a.messages.has(id));
      const revocable = req.revoke
        ? ids.filter((id) => {
            const m = a.messages.get(id)!;
            if (m.peer.type === 'user' || m.out) return true;
            const c = ctx.world.chats.get(m.peer.id);
            return c !== undefined && (c.creator === me || (c.admins ?? []).includes(me));
          })
        : [];
      let r = { pts: a.pts, ptsCount: 0 };
      if (revocable.length) r = ctx.world.accounts.delete(me, revocable, true, ctx.session);
      const rest = ids.filter((id) => !revocable.includes(id));
      if (rest.length) {
        const r2 = ctx.world.accounts.delete(me, rest, false, ctx.session);
        r = { pts: r2.pts, ptsCount: r.ptsCount + r2.ptsCount };
      }
      return new Api.messages.AffectedMessages(r);
    },
  },

  'messages.readHistory': {
    login: true,
    run(req: Api.messages.ReadHistory, ctx) {
      const me = userOnly(ctx);
      const peer = accountPeer(ctx, req.peer, me, 'read');
      return new Api.messages.AffectedMessages(ctx.world.accounts.readHistory(me, peer, req.maxId, ctx.session));
    },
  },
};
