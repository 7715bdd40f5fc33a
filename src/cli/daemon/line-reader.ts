// A connection's input split into lines, with a bound: a line of up to `max` bytes (1 MiB on a
// socket) is a line; a longer one is skipped to its end and becomes one `too long` item, so the
// connection goes on (telegram-cli jammed a connection for good past 4095 bytes). On the public
// sockets a line with a NUL or invalid UTF-8 is an item of its own too (answered with a FAIL); the
// private socket decodes as readline does, so that a handed-over pipe answers as it would here.

export const MAX_LINE_BYTES = 1024 * 1024;

export type LineItem = { kind: 'line'; text: string } | { kind: 'bad'; error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes of a too-long line skipped so far; -1 while not skipping. */
  private skipped = -1;

  constructor(
    private readonly strict: boolean,
    private readonly max: number = MAX_LINE_BYTES,
  ) {}

  /** The items completed by `chunk`, in order. */
  push(chunk: Buffer): LineItem[] {
    const out: LineItem[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.take(chunk.subarray(start, nl));
      out.push(this.finish());
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
    return out;
  }

  /** The input ended: a last line without its newline is a line all the same (as in pipe mode). */
  end(): LineItem[] {
    if (this.skipped < 0 && this.size === 0) return [];
    return [this.finish()];
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.skipped >= 0) {
      this.skipped += part.length;
      return;
    }
    if (this.size + part.length > this.max) {
      // Past the bound: what is held is dropped now, and the rest of the line only counted.
      this.skipped = this.size + part.length;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(part);
    this.size += part.length;
  }

  private finish(): LineItem {
    if (this.skipped >= 0) {
      const n = this.skipped;
      this.skipped = -1;
      return { kind: 'bad', error: `line too long (${n} bytes; ${this.max} at most): not run` };
    }
    let bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (!this.strict) return { kind: 'line', text: bytes.toString('utf8') };
    if (bytes.includes(0)) return { kind: 'bad', error: 'can not parse line: it holds a NUL byte' };
    try {
      return { kind: 'line', text: utf8.decode(bytes) };
    } catch {
      return { kind: 'bad', error: 'can not parse line: not valid UTF-8' };
    }
  }
}
