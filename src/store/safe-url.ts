// A store URL safe to print: the password (and the query, which may carry one) never shown.

/** A URL with its password (and any query secrets) replaced, safe to print. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
