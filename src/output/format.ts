// Results to answers: telegram-cli's text, or one JSON value per answer. Answers go to stdout;
// hints that guide a person go to stderr when stdout is not a terminal (GitHub CLI's rule), so a
// script reading stdout sees one line per failure.

import type { FailResult, Result, CommandSpec } from '../commands/types.js';
import type { JsonValue } from '../core/json.js';
import { toJson } from './json.js';
import { messageLine } from './message-line.js';
import { paintFor, type Paint } from './colors.js';
import { withControlsShown } from './controls.js';
import { displayName } from '../peers/display-name.js';
import { formatWhen, peerObject } from './peer-object.js';
import { peerClassOf, type ChatMember, type PeerRecord } from '../peers/types.js';
import type { MessageView } from '../peers/message.js';
import { encodeMessageId } from '../peers/message-id.js';
import { splitBotApiChatId } from '../peers/ref.js';
import { signature } from '../commands/signature.js';
import { eventJson, eventLine } from './event.js';
import { dialogJson, dialogText, messageJson, messageText } from './message.js';

export interface OutputStyle {
  json: boolean;
  color: boolean;
  /** stdout is a terminal: hints follow the answer; otherwise they go to stderr. */
  tty: boolean;
}

export interface Answer {
  /** What goes to stdout, ending in a newline (empty for nothing). */
  stdout: string;
  /** Guidance for a person, for stderr (empty for nothing). */
  stderr: string;
}

export function formatResult(result: Result, style: OutputStyle): Answer {
  return style.json ? { stdout: toJson(jsonOf(result)) + '\n', stderr: '' } : textOf(withControlsShown(result), style);
}

// ---- JSON

export function jsonOf(result: Result): JsonValue {
  switch (result.kind) {
    case 'success':
    case 'quit':
      return { result: 'SUCCESS', ...('extra' in result ? result.extra : {}) };
    case 'fail':
      return failJson(result);
    case 'peer':
      return { [peerClassOf(result.peer.kind)]: peerObject(result.peer, result.members) };
    case 'peers':
      return result.peers.map((p) => withConsent(p));
    case 'help':
      return result.commands.map((c) => ({ command: c.name, signature: signature(c), description: c.summary, aliases: c.aliases ?? [] }));
    case 'fields':
      return Object.fromEntries(result.fields);
    case 'text':
      return result.json;
    case 'event':
      return eventJson(result.event);
    case 'sent':
      return { result: 'SUCCESS', message_id: result.message.messageId, chat_id: result.message.chatId, id: sentMessageId(result.message), part: result.part, parts: result.parts };
    case 'messages':
      return result.list ? result.messages.map(messageJson) : result.messages[0] ? messageJson(result.messages[0]) : null;
    case 'dialogs':
      return result.dialogs.map(dialogJson);
  }
}

function failJson(r: FailResult): JsonValue {
  return { result: 'FAIL', error_code: r.code, error: r.error, retry_after: r.retryAfter, hint: r.hint, ...r.extra };
}

function withConsent(p: PeerRecord): JsonValue {
  const o = peerObject(p);
  if (p.consent) o.consent = p.consent.state;
  return o;
}

// ---- text

function textOf(result: Result, style: OutputStyle): Answer {
  const paint = paintFor(style.color);
  const out = (text: string): Answer => ({ stdout: text === '' ? '' : text + '\n', stderr: '' });
  switch (result.kind) {
    case 'success':
    case 'quit':
      return out(paint.green('SUCCESS'));
    case 'fail': {
      const line = paint.red(`FAIL: ${result.code}: ${result.error}`);
      if (!result.hint) return out(line);
      return style.tty ? out(`${line}\n  ${paint.dim(result.hint)}`) : { stdout: line + '\n', stderr: result.hint + '\n' };
    }
    case 'peer':
      return out(result.view === 'name' ? paint.bold(displayName(result.peer)) : peerInfoText(result.peer, paint, result.members));
    case 'peers':
      return out(result.peers.map((p) => (result.view === 'dialogs' ? dialogLine(p, paint) : contactLine(p, style, paint))).join('\n'));
    case 'help':
      return out(result.detail ? result.commands.map(helpDetail).join('\n\n') : result.commands.map((c) => `${signature(c)}\t${c.summary}`).join('\n'));
    case 'fields':
      return out(result.fields.map(([k, v]) => `${k}${style.tty ? ': ' : '\t'}${typeof v === 'string' ? v : toJson(v)}`).join('\n'));
    case 'text':
      return out(result.text.replace(/\n$/, ''));
    case 'sent':
      return out(messageLine(result.message, paint));
    case 'event':
      return out(eventLine(result.event, false, paint));
    case 'messages':
      return out(result.messages.map((m) => messageText(m, paint, result.showIds)).join('\n'));
    case 'dialogs':
      return out(result.dialogs.map((d) => dialogText(d, paint)).join('\n'));
  }
}

function peerLabel(p: PeerRecord): string {
  const cls = peerClassOf(p.kind);
  return cls === 'user' ? 'User' : cls === 'chat' ? 'Chat' : 'Channel';
}

function peerInfoText(p: PeerRecord, paint: Paint, members?: readonly ChatMember[]): string {
  const username = p.usernames[0] ? ` @${p.usernames[0]}` : '';
  const lines = [`${peerLabel(p)} ${paint.bold(displayName(p))}${username} (#${p.id}):`];
  if (p.phone) lines.push(`\tphone: ${p.phone}`);
  if (p.usernames.length > 1) lines.push(`\tusernames: ${p.usernames.map((u) => '@' + u).join(' ')}`);
  if (p.kind === 'bot') lines.push('\tbot');
  if (p.bio) lines.push(`\tabout: ${p.bio.replace(/\n/g, ' ')}`);
  if (p.members !== undefined) lines.push(`\t${p.kind === 'chat' ? 'members' : 'participants'}: ${p.members}`);
  // telegram-cli's member lines: `\t\tName invited by Name at [date]`, ` admin` for the creator.
  for (const m of members ?? []) {
    const invited = m.inviter && !m.admin ? ` invited by ${displayName(m.inviter)}` : '';
    const at = m.date ? ` at [${formatWhen(m.date).replace(/-/g, '/')}]` : '';
    lines.push(`\t\t${displayName(m.peer)}${invited}${at}${m.admin ? ' admin' : ''}`);
  }
  if (p.lastOnline !== undefined) lines.push(`\toffline (was online [${formatWhen(p.lastOnline).replace(/-/g, '/')}])`);
  if (p.consent) lines.push(`\tconsent: ${p.consent.state}${p.consent.payload ? ` (start payload '${p.consent.payload}')` : ''}`);
  if (p.membership) lines.push(`\tbot membership: ${p.membership.status}`);
  return lines.join('\n');
}

function dialogLine(p: PeerRecord, paint: Paint): string {
  return `${peerLabel(p)} ${paint.bold(displayName(p))}: 0 unread`;
}

function contactLine(p: PeerRecord, style: OutputStyle, paint: Paint): string {
  const cells = [paint.bold(displayName(p)), p.usernames[0] ? '@' + p.usernames[0] : '', p.consent?.state ?? 'unknown'];
  return style.tty ? `${cells[0]}${cells[1] ? ' ' + cells[1] : ''} (${cells[2]})` : cells.join('\t');
}

function helpDetail(c: CommandSpec): string {
  const lines = [signature(c), `\t${c.summary}`];
  if (c.help) lines.push(...c.help.split('\n').map((l) => `\t${l}`));
  if (c.aliases?.length) lines.push(`\taliases: ${c.aliases.join(', ')}`);
  for (const o of c.options ?? []) lines.push(`\t--${o.name}${o.value ? ' ' + (o.value === 'number' ? 'N' : o.value === 'file_name' ? 'FILE' : 'VALUE') : ''}\t${o.description}`);
  return lines.join('\n');
}

/**
 * The permanent id of a message the bot sent (telegram-cli's `id`), which reply, fwd, edit_msg and
 * delete_msg take: the chat's class and id from its Bot API id; no access hash (the Bot API needs
 * none, and as the user the chat is looked up in the store).
 */
function sentMessageId(m: MessageView): string {
  const { type, id } = splitBotApiChatId(m.chatId);
  return encodeMessageId({ type, peerId: id, accessHash: 0n, messageId: m.messageId });
}
