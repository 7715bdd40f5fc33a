// telegram-cli's peer flag bits, as printed in `flags` (set from what Telegram says of a peer).

/** telegram-cli's flag bits. */
export const PeerFlag = {
  CREATED: 1,
  HAS_PHOTO: 2,
  DELETED: 4,
  OFFICIAL: 8,
  CONTACT: 1 << 16,
  MUTUAL_CONTACT: 1 << 17,
  BLOCKED: 1 << 18,
  SELF: 1 << 19,
  BOT: 1 << 20,
  CHANNEL_BROADCAST: 1 << 16,
  CHANNEL_MEGAGROUP: 1 << 19,
} as const;
