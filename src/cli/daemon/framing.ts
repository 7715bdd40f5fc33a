// telegram-cli's answer framing, byte for byte: `ANSWER <n>\n` + payload + `\n`, where n counts
// the payload's bytes including its own final `\n` (not the framing `\n` after it). A payload is
// never empty here: telegram-cli's `ANSWER 0` made pytg hang (pytg#46), so an empty answer is `\n`.

/** One frame for one answer (`payload` as formatResult's stdout gives it, ending in `\n`). */
export function frame(payload: string): Buffer {
  const body = Buffer.from(payload === '' ? '\n' : payload, 'utf8');
  const head = Buffer.from(`ANSWER ${body.length}\n`, 'latin1');
  return Buffer.concat([head, body, NEWLINE], head.length + body.length + 1);
}

const NEWLINE = Buffer.from('\n');

/**
 * Reads frames back out of a byte stream (the tests' clients and the benchmarks use it): feed
 * chunks, take whole payloads.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns every payload completed by them, in order. Throws on a malformed stream. */
  push(chunk: Buffer): string[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) return out;
      const m = /^ANSWER (\d+)$/.exec(this.buf.subarray(0, nl).toString('latin1'));
      if (!m) throw new Error(`not a frame header: ${JSON.stringify(this.buf.subarray(0, Math.min(nl, 40)).toString('latin1'))}`);
      const n = Number(m[1]);
      const end = nl + 1 + n + 1;
      if (this.buf.length < end) return out;
      if (this.buf[end - 1] !== 0x0a) throw new Error('a frame does not end with its newline');
      out.push(this.buf.subarray(nl + 1, nl + 1 + n).toString('utf8'));
      this.buf = this.buf.subarray(end);
    }
  }

  /** Bytes held that are not a whole frame yet. */
  get pending(): number {
    return this.buf.length;
  }
}
