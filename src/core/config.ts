// The settings of one tgsh run, as cli/config.ts builds them from flags, environment and the
// profile. Every layer reads them; only the front ends make them.

import type { Secret } from './secret.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** The socket daemon's settings (-P, -S, -d, -L, --accept-any-tcp); absent when tgsh serves no sockets. */
export interface DaemonConfig {
  /** -P: a TCP port (0: any free one, named in the status line). */
  tcpPort?: number;
  /** --accept-any-tcp: listen on every interface, not only loopback. */
  anyInterface: boolean;
  /** -S: a unix socket path (absolute). */
  unixSocket?: string;
  /** -d: no terminal; stdin is not read; status only to the log. */
  detached: boolean;
  /** -L: the status log (absolute). */
  logFile?: string;
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
  /** --store / TGSH_STORE: conf, sqlite or a postgres:// URL (the profile remembers it once used). */
  store?: string;
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
  /** Serve sockets (-P/-S/-d); undefined for a plain shell, pipe or -e run. */
  daemon?: DaemonConfig;
  /** --no-daemon: pipe and -e never hand their lines to a daemon serving the profile. */
  noDaemon?: boolean;
  /** --as / TGSH_AS: who sends and reads (default: the bot when a bot token is configured, else the user). */
  as?: 'user' | 'bot';
  /** -N: message ids in text answers. */
  msgIds?: boolean;
  /** --download-dir / TGSH_DOWNLOAD_DIR: where load_* saves files (default: the profile's downloads folder). */
  downloadDir?: string;
}
