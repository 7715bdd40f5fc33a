// Text from outside (a typed word, a file's line) shown inside an error message: control characters
// escaped and long text cut, so that a message stays one readable line.

/** `s` with control characters as `\xNN`, cut to `max` characters (then `...`). */
export function printable(s: string, max = 64): string {
   
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? clean.slice(0, max) + '...' : clean;
}
