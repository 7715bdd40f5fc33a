// The settings of one tgsh run, as cli/config.ts builds them from flags, environment and the
// profile. Every layer reads them; only the front ends make them.

import type { Secret } from './secret.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Config {
  profile: string;
  /** Where all profiles live. */
  configDir: string;
  /** This profile's folder: peer store, settings, credentials, history. */
  profileDir: string;
  json: boolean;
  color: boolean;
  /** -D: no banner, no incoming events. */
  quiet: boolean;
  /** -W: sync before -e commands. */
  waitDialogs: boolean;
  /** On the offline sandbox (--sandbox, or --world which implies it); Telegram flags are then refused and TG_* variables unused. */
  sandbox: boolean;
  worldFile?: string;
  /** The shell prints the sandbox banner itself at start; others get it as a notice. */
  sandboxBanner?: boolean;
  /** Longest flood wait to sit out, in seconds (0: never wait). */
  maxWaitSeconds: number;
  /** Bot API request timeout in seconds (env TGSH_BOT_API_TIMEOUT; default 30). */
  botApiTimeoutSeconds?: number;
  /** Bound on every MTProto call and on connecting, in seconds (env TGSH_MTPROTO_TIMEOUT; default 10). */
  mtprotoTimeoutSeconds?: number;
  botToken?: Secret;
  apiId?: number;
  apiHash?: Secret;
  dc?: Endpoint;
  rsaKeyFile?: string;
  /** Which gave rsaKeyFile: `--rsa-key` or `TG_RSA_KEY` (named in errors). */
  rsaKeyFrom?: string;
  /** The RSA key itself when it came from the sandbox rather than a file. */
  rsaKeyPem?: string;
  botApiRoot?: string;
  phone?: string;
  code?: string;
  password?: Secret;
  passwordFile?: string;
  /** --as / TGSH_AS: who sends and reads (default: the bot when a bot token is configured, else the user). */
  as?: 'user' | 'bot';
  /** -N: message ids in text answers. */
  msgIds?: boolean;
  /** --download-dir / TGSH_DOWNLOAD_DIR: where load_* saves files (default: the profile's downloads folder). */
  downloadDir?: string;
}
