// Incoming events as telegram-cli showed them: a message line in text, an `{"event": "message"}`
// object in JSON (peer ids as `$` strings: pytg's Receiver needs them); consent changes as
// tgsh's own `{"event": "consent"}`.

import type { JsonValue } from '../core/json.js';
import type { TgshEvent } from '../telegram/updates/hub.js';
import type { Paint } from './colors.js';
import { toJson } from './json.js';
import { messageLine } from './message-line.js';
import { displayName } from '../peers/display-name.js';
import { peerObject } from './peer-object.js';

export function eventJson(e: TgshEvent): JsonValue {
  if (e.event === 'consent') return { event: 'consent', state: e.state, peer: peerObject(e.peer), date: e.date };
  return {
    event: 'message',
    id: e.view.messageId,
    from: peerObject(e.from),
    to: peerObject(e.to),
    out: e.view.out,
    unread: true,
    service: e.service,
    date: e.view.date,
    text: e.text,
    edited: e.edited || undefined,
  };
}

/** The line to print for an event: telegram-cli's text, or one JSON value. */
export function eventLine(e: TgshEvent, json: boolean, paint: Paint): string {
  if (json) return toJson(eventJson(e));
  if (e.event === 'consent') return `${paint.bold(displayName(e.peer))} ${e.state === 'started' ? 'started the bot' : e.state === 'stopped' ? 'stopped the bot' : 'blocked the bot'}`;
  return messageLine(e.view, paint);
}
