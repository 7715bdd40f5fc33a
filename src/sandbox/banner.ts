// Kept apart from the sandbox itself so the shell can say it without loading the servers.
export const SANDBOX_BANNER = 'sandbox: an offline Telegram on 127.0.0.1; nothing leaves this machine';
