import { displayName } from '../peers/display-name.js';
import type { ConsentState, PeerRecord } from '../peers/types.js';
import type { JsonValue } from '../core/json.js';
import type { Result, CommandSpec } from './types.js';

const SHOWN = 10;

export const sync: CommandSpec = {
  name: 'sync',
  group: 'peers',
  args: [],
  options: [{ name: 'delete-webhook', description: "delete the bot's webhook first (getUpdates is refused while one is set)" }],
  summary: "Reads the bot's pending updates: who wrote, started, stopped or blocked it, and its groups",
  help: [
    'Every user and chat in the updates goes into the peer store, with the consent ledger: /start',
    '(and its payload) -> started, /stop -> stopped, blocking the bot -> blocked, writing again ->',
    'started. An update is confirmed to Telegram only once the store is saved, so nothing is lost',
    "or counted twice. A webhook is never deleted without --delete-webhook. 'tgsh -W' runs sync",
    "before the -e commands. A flood wait (429) within --max-wait is sat out, as for sends.",
  ].join('\n'),
  async run(ctx, { options }): Promise<Result> {
    const poller = await ctx.services.poller((t) => ctx.notice(t), 'sync');
    const r = await poller.drain({
      signal: ctx.signal,
      deleteWebhook: options['delete-webhook'] === true,
      // A 429 within --max-wait is sat out, as for sends; a longer one fails (exit status 5).
      maxWaitSeconds: ctx.config.maxWaitSeconds,
      onWait: (s) => ctx.notice(`tgsh: Telegram asks to wait ${s} s before reading the bot's updates (429); waiting`),
    });
    // One line per peer: where its consent was before the sync and where it ended.
    const byPeer = new Map<PeerRecord, { from?: ConsentState; to: ConsentState; payload?: string }>();
    for (const c of r.consentChanges) {
      const seen = byPeer.get(c.peer);
      byPeer.set(c.peer, { from: seen ? seen.from : c.from, to: c.to, payload: c.payload });
    }
    const consent = [...byPeer]
      .filter(([, c]) => c.from !== c.to)
      .map(([peer, c]) => ({ name: displayName(peer), print_name: peer.printName, from: c.from ?? null, to: c.to, payload: c.payload }));
    const membership = r.membershipChanges.map((m) => ({ name: displayName(m.peer), print_name: m.peer.printName, to: m.to }));
    const list = (xs: string[]): string => (xs.length > SHOWN ? `${xs.slice(0, SHOWN).join(', ')}, +${xs.length - SHOWN} more` : xs.join(', '));
    let text = `sync: ${r.updates} update${r.updates === 1 ? '' : 's'}, ${r.newPeers} new peer${r.newPeers === 1 ? '' : 's'}, ${consent.length} consent change${consent.length === 1 ? '' : 's'}`;
    if (consent.length > 0) text += ` (${list(consent.map((c) => `${c.name}: ${c.to}`))})`;
    if (membership.length > 0) text += `, bot membership: ${list(membership.map((m) => `${m.name}: ${m.to}`))}`;
    if (r.webhookDeleted) text += `; deleted the webhook to ${r.webhookDeleted}`;
    const json: JsonValue = {
      result: 'SUCCESS',
      updates: r.updates,
      new_peers: r.newPeers,
      consent_changes: consent,
      membership_changes: membership,
      webhook_deleted: r.webhookDeleted,
    };
    return { kind: 'text', text, json };
  },
};
