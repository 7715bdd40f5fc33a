// Broadcast ids: `YYYYMMDD-HHMMSS-xxxx` (UTC time of the start, 4 random base-36 characters):
// sortable, short enough to type after `--resume`, and safe as a file name. Web Crypto's global
// (not node:crypto): importing node:crypto would cost every tgsh start a few ms.

const ID_RE = /^\d{8}-\d{6}-[a-z0-9]{4}$/;

export function newBroadcastId(now: number = Date.now()): string {
  const iso = new Date(now).toISOString(); // 2026-11-01T12:03:01.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const rand = [...crypto.getRandomValues(new Uint8Array(4))].map((b) => (b % 36).toString(36)).join('');
  return `${stamp}-${rand}`;
}

export function isBroadcastId(text: string): boolean {
  return ID_RE.test(text);
}
