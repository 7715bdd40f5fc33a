// telegram-cli's message lines: ` [HH:MM]  First Last >>> text` (incoming), `<<<` (outgoing),
// ` [HH:MM]  Group Title First Last >>> text` in groups; `[DD Mon]` for messages older than 12 h.

import type { MessageView } from '../peers/message.js';
import type { Paint } from './colors.js';


const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** `[HH:MM]` in local time, or `[DD Mon]` when older than 12 hours. */
export function messageTime(date: number, nowMs: number = Date.now()): string {
  const d = new Date(date * 1000);
  if (nowMs - d.getTime() > 12 * 3600 * 1000) return `[${p2(d.getDate())} ${MONTHS[d.getMonth()]}]`;
  return `[${p2(d.getHours())}:${p2(d.getMinutes())}]`;
}

export function messageLine(m: MessageView, paint: Paint, nowMs?: number): string {
  const arrow = m.out ? '<<<' : '>>>';
  const who = m.fromName !== undefined ? `${paint.bold(m.chatName)} ${m.fromName}` : paint.bold(m.chatName);
  return ` ${messageTime(m.date, nowMs)}  ${who} ${m.out ? paint.green(arrow) : paint.blue(arrow)} ${m.text}`;
}
