// What a user account sends and changes: texts (messages.sendMessage), files
// (messages.sendMedia after the upload), forwards, edits and deletions. Every answer becomes the
// ChatMessage sent (from the answer's own message where it carries one), and its pts is told to the
// update tracker, so a live shell does not show the account's own sends again.

import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { ErrorCode, TgshError } from '../../core/errors.js';
import type { PeerRecord } from '../../peers/types.js';
import { Api } from '../mtproto/index.js';
import type { TlObject } from '../resolver/tl-peers.js';
import { inputChannelOf, inputPeerOf, isChannel, long, type CallOptions, type UserAccount } from './account.js';
import { chatMessageOf } from './convert.js';
import { mimeOf, uploadFile } from './files.js';
import type { ChatMessage, UploadKind } from './types.js';

export interface SendOptions extends CallOptions {
  replyTo?: number;
  /** A forum topic of a supergroup (its top message id). */
  topic?: number;
  silent?: boolean;
  noPreview?: boolean;
  /** Unix seconds: a scheduled message. */
  schedule?: number;
  parseMode?: 'HTML' | 'MarkdownV2';
}

/** Sent-message answers, seen by the update tracker (their pts are the account's own). */
export type AnswerTap = (answer: unknown) => void;
const taps = new WeakMap<UserAccount, AnswerTap>();
export function tapAnswers(account: UserAccount, tap: AnswerTap): void {
  taps.set(account, tap);
}
function tapped(account: UserAccount, answer: unknown): void {
  taps.get(account)?.(answer);
}

const randomId = (): ReturnType<typeof long> => long(randomBytes(8).readBigInt64LE());

function replyOf(o: SendOptions): Api.InputReplyToMessage | undefined {
  if (o.replyTo === undefined && o.topic === undefined) return undefined;
  // In a topic, reply_to_msg_id is the message answered or else the topic itself; top_msg_id names the topic.
  return new Api.InputReplyToMessage({ replyToMsgId: o.replyTo ?? o.topic!, topMsgId: o.topic });
}

async function entitiesOf(text: string, mode: SendOptions['parseMode']): Promise<[string, Api.TypeMessageEntity[] | undefined]> {
  if (mode === 'HTML') return (await import('telegram/extensions/html.js')).HTMLParser.parse(text);
  if (mode === 'MarkdownV2') return (await import('telegram/extensions/markdownv2.js')).MarkdownV2Parser.parse(text);
  return [text, undefined];
}

/** The messages an Updates answer carries (new, channel, scheduled, edited). */
function messagesOf(answer: TlObject): TlObject[] {
  const updates = (Array.isArray(answer.updates) ? answer.updates : answer.update ? [answer.update] : []) as TlObject[];
  const out: TlObject[] = [];
  for (const u of updates) {
    if (['UpdateNewMessage', 'UpdateNewChannelMessage', 'UpdateNewScheduledMessage', 'UpdateEditMessage', 'UpdateEditChannelMessage'].includes(String(u.className))) out.push(u.message as TlObject);
  }
  return out;
}

function sentOf(account: UserAccount, self: PeerRecord, to: PeerRecord, answer: TlObject, text: string, replyTo?: number): ChatMessage {
  const store = account.store;
  if (answer.className === 'UpdateShortSentMessage') {
    // The answer has the id and date only: the message is what was sent.
    const m: TlObject = { className: 'Message', id: answer.id, out: true, date: answer.date, message: text, peerId: peerTl(to), media: answer.media, replyTo: replyTo === undefined ? undefined : { replyToMsgId: replyTo } };
    return chatMessageOf(store, self, m, Number.MAX_SAFE_INTEGER)!;
  }
  const found = messagesOf(answer)[0];
  const m = found ? chatMessageOf(store, self, found, Number.MAX_SAFE_INTEGER) : undefined;
  if (!m) throw new TgshError(ErrorCode.SERVER, `Telegram's answer did not carry the message sent to ${to.printName}`);
  return m;
}

function peerTl(p: PeerRecord): TlObject {
  if (p.kind === 'chat') return { className: 'PeerChat', chatId: p.id };
  if (isChannel(p)) return { className: 'PeerChannel', channelId: p.id };
  return { className: 'PeerUser', userId: p.id };
}

export async function sendText(account: UserAccount, to: PeerRecord, text: string, o: SendOptions): Promise<ChatMessage> {
  const link = await account.link('msg');
  const self = account.self(link);
  const [message, entities] = await entitiesOf(text, o.parseMode);
  const answer = await account.call(
    `sending to ${to.printName}`,
    new Api.messages.SendMessage({
      peer: inputPeerOf(to, self.id),
      message,
      entities,
      randomId: randomId(),
      noWebpage: o.noPreview || undefined,
      silent: o.silent || undefined,
      replyTo: replyOf(o),
      scheduleDate: o.schedule,
    }),
    { ...o, peer: to },
  );
  tapped(account, answer);
  return sentOf(account, self, to, answer as unknown as TlObject, message, o.replyTo);
}

export async function sendFile(account: UserAccount, to: PeerRecord, kind: UploadKind, path: string, caption: string | undefined, o: SendOptions): Promise<ChatMessage> {
  const link = await account.link(`send_${kind}`);
  const self = account.self(link);
  const file = await uploadFile(account, path, o);
  const name = basename(path);
  const attributes: Api.TypeDocumentAttribute[] = [new Api.DocumentAttributeFilename({ fileName: name })];
  if (kind === 'video') attributes.push(new Api.DocumentAttributeVideo({ duration: 0, w: 0, h: 0, supportsStreaming: true }));
  if (kind === 'audio') attributes.push(new Api.DocumentAttributeAudio({ duration: 0 }));
  const media =
    kind === 'photo'
      ? new Api.InputMediaUploadedPhoto({ file })
      : new Api.InputMediaUploadedDocument({ file, mimeType: mimeOf(path), attributes, forceFile: kind === 'document' || undefined });
  const [message, entities] = await entitiesOf(caption ?? '', o.parseMode);
  const answer = await account.call(
    `sending '${name}' to ${to.printName}`,
    new Api.messages.SendMedia({ peer: inputPeerOf(to, self.id), media, message, entities, randomId: randomId(), silent: o.silent || undefined, replyTo: replyOf(o), scheduleDate: o.schedule }),
    { ...o, peer: to },
  );
  tapped(account, answer);
  return sentOf(account, self, to, answer as unknown as TlObject, message, o.replyTo);
}

/** Forwards messages of `from` (ids in that chat) to `to`; the new messages, in order. */
export async function forwardMessages(account: UserAccount, from: PeerRecord, ids: number[], to: PeerRecord, o: SendOptions): Promise<ChatMessage[]> {
  const link = await account.link('fwd');
  const self = account.self(link);
  const answer = await account.call(
    `forwarding to ${to.printName}`,
    new Api.messages.ForwardMessages({ fromPeer: inputPeerOf(from, self.id), id: ids, randomId: ids.map(() => randomId()), toPeer: inputPeerOf(to, self.id), silent: o.silent || undefined, scheduleDate: o.schedule, topMsgId: o.topic }),
    { ...o, peer: to },
  );
  tapped(account, answer);
  const out: ChatMessage[] = [];
  for (const m of messagesOf(answer as unknown as TlObject)) {
    const c = chatMessageOf(account.store, self, m, Number.MAX_SAFE_INTEGER);
    if (c) out.push(c);
  }
  return out;
}

export async function editMessage(account: UserAccount, chat: PeerRecord, id: number, text: string, o: SendOptions): Promise<ChatMessage> {
  const link = await account.link('edit_msg');
  const self = account.self(link);
  const [message, entities] = await entitiesOf(text, o.parseMode);
  const answer = await account.call(`editing message ${id}`, new Api.messages.EditMessage({ peer: inputPeerOf(chat, self.id), id, message, entities, noWebpage: o.noPreview || undefined }), { ...o, peer: chat });
  tapped(account, answer);
  return sentOf(account, self, chat, answer as unknown as TlObject, message);
}

/** Deletes messages (for everyone: `revoke`); how many Telegram deleted. */
export async function deleteMessages(account: UserAccount, chat: PeerRecord | undefined, ids: number[], revoke: boolean, o: CallOptions): Promise<number> {
  const answer =
    chat && isChannel(chat)
      ? await account.call('delete_msg', new Api.channels.DeleteMessages({ channel: inputChannelOf(chat), id: ids }), { ...o, peer: chat })
      : await account.call('delete_msg', new Api.messages.DeleteMessages({ id: ids, revoke: revoke || undefined }), { ...o, peer: chat });
  tapped(account, answer);
  return (answer).ptsCount;
}
