// telegram-cli's tokens: whitespace-separated words, or "..." / '...' with backslash escapes.
// A cursor over one line, so that `string_end` arguments can take the raw rest of the line.

export interface Token {
  value: string;
  /** True when the token began with a quote (never a modifier, option or command flag). */
  quoted: boolean;
  start: number;
  end: number;
}

export type LexError = { error: string };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

function isSpace(c: number): boolean {
  // ASCII whitespace only: control bytes such as NUL stay inside tokens and reach the command.
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

export class Lexer {
  private pos = 0;

  constructor(private readonly line: string) {}

  private skipSpace(): void {
    while (this.pos < this.line.length && isSpace(this.line.charCodeAt(this.pos))) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.line.length;
  }

  /** True when more than n tokens remain (counts at most n + 1 of them). */
  hasMoreTokensThan(n: number): boolean {
    const save = this.pos;
    let count = 0;
    for (let t = this.next(); t !== undefined && !isLexError(t) && count <= n; t = this.next()) count++;
    this.pos = save;
    return count > n;
  }

  /** The next token without consuming it. */
  peek(): Token | LexError | undefined {
    const save = this.pos;
    const t = this.next();
    this.pos = save;
    return t;
  }

  next(): Token | LexError | undefined {
    this.skipSpace();
    if (this.pos >= this.line.length) return undefined;
    const start = this.pos;
    const first = this.line[this.pos];
    let value = '';
    let quoted = false;
    if (first === '"' || first === "'") {
      const q = this.readQuoted(first);
      if ('error' in q) return q;
      value = q.value;
      quoted = true;
    }
    // Unquoted characters (or what follows a closing quote) run to the next whitespace.
    const from = this.pos;
    while (this.pos < this.line.length && !isSpace(this.line.charCodeAt(this.pos))) this.pos++;
    value += this.line.slice(from, this.pos);
    return { value, quoted, start, end: this.pos };
  }

  private readQuoted(quote: string): { value: string } | LexError {
    const line = this.line;
    let i = this.pos + 1;
    let out = '';
    let chunk = i;
    while (i < line.length) {
      const c = line[i];
      if (c === quote) {
        out += line.slice(chunk, i);
        this.pos = i + 1;
        return { value: out };
      }
      if (c === '\\' && i + 1 < line.length) {
        out += line.slice(chunk, i);
        const e = line[i + 1];
        out += ESCAPES[e] ?? e;
        i += 2;
        chunk = i;
        continue;
      }
      i++;
    }
    return { error: `unbalanced quote: ${quote} opened at column ${this.pos + 1} is never closed` };
  }

  /**
   * The rest of the line for `*_end` arguments: trailing whitespace trimmed. When the rest is
   * exactly one quoted string, its unquoted value (so scripts can send leading spaces and \n).
   */
  rest(): string | undefined {
    this.skipSpace();
    if (this.pos >= this.line.length) return undefined;
    const raw = this.line.slice(this.pos).replace(/[ \t\r\n\v\f]+$/, '');
    const first = raw[0];
    if (first === '"' || first === "'") {
      const save = this.pos;
      const q = this.readQuoted(first);
      if (!('error' in q) && this.atEnd()) return q.value;
      this.pos = save;
    }
    this.pos = this.line.length;
    return raw;
  }
}

export function isLexError(t: Token | LexError | undefined): t is LexError {
  return t !== undefined && 'error' in t;
}
