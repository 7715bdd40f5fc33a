// What a broadcast is given by whoever runs it (commands/broadcast.ts): the sender, the store, the
// journals folder, where notices and progress go, the abort signal and the few facts of the run it
// needs. Nothing here reaches for the session or a command's context: broadcast sits above the
// transports and below both.

import type { ProgressSink } from '../core/io.js';
import type { PeerRef } from '../peers/ref.js';
import type { PeerStore } from '../store/peer-store.js';
import type { SendTarget } from '../telegram/botapi/target.js';
import type { Sender } from '../telegram/sender.js';

export type Notice = (text: string) => void;

/** What broadcast needs of its sender: the Sender seam, and who it is (the journal keeps its id). */
export interface BroadcastSender extends Sender {
  /** Who sends (a bot's getMe); throws TgshError when that can not be known (a refused token). */
  me(signal?: AbortSignal): Promise<{ id: number; username: string }>;
  /** The link that lets a user accept messages (a bot's start link), when it can be known. */
  startLinkIfKnown(): Promise<string | undefined>;
  /** Where the sender reaches Telegram, for failure texts (`--bot-api-root`). */
  readonly apiRoot: string;
}

export interface BroadcastDeps {
  /** The run's sender, opened on first use; `what` names the command in its failure (no bot token). */
  sender(what: string): Promise<BroadcastSender>;
  /** The profile's peer store, opened on first use. */
  store(): Promise<PeerStore>;
  /** The chat a peer reference names (msg's resolveSendTarget); throws TgshError when there is none. */
  resolve(ref: PeerRef): Promise<SendTarget>;
  /** The profile's journals folder (created when a broadcast starts). */
  journals: string;
  /** The profile's name, for "no broadcast X in profile P". */
  profile: string;
  notice: Notice;
  signal: AbortSignal;
  /** Where a bar may be drawn in place (a TTY's stderr); absent where it may not. */
  progress?: ProgressSink;
  /** -D: no progress at all. */
  quiet: boolean;
  /** The interactive shell: progress as notices every 5 s (10 s elsewhere), never a bar. */
  interactive: boolean;
  /** --max-wait: the longest flood wait sat out; a longer one stops the broadcast. */
  maxWaitSeconds: number;
}
