// Raw terminal input to key events. Pure: one chunk of bytes from a raw-mode TTY in, a list of
// keys out. A chunk may hold one key press, an escape sequence, or a whole paste ("a\rb\rc\r"):
// Enter inside a chunk is a key like any other, so a pasted line runs instead of being typed.

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'word-left'
  | 'word-right'
  /** Ctrl-U: delete from the start of the line to the cursor. */
  | 'kill-start'
  /** Ctrl-K: delete from the cursor to the end of the line. */
  | 'kill-end'
  /** Ctrl-W, Alt-Backspace: delete the word before the cursor. */
  | 'kill-word'
  /** Alt-D: delete the word after the cursor. */
  | 'kill-word-forward'
  | 'ctrl-c'
  | 'ctrl-d'
  /** Ctrl-Z: suspend tgsh (job control: `fg` brings it back). */
  | 'suspend'
  /** Ctrl-R: search the history backwards. */
  | 'search'
  | 'escape';

export type Key = { name: 'text'; text: string } | { name: KeyName };

const CONTROL: Record<string, KeyName> = {
  '\x01': 'home', // Ctrl-A
  '\x02': 'left', // Ctrl-B
  '\x03': 'ctrl-c',
  '\x04': 'ctrl-d',
  '\x05': 'end', // Ctrl-E
  '\x06': 'right', // Ctrl-F
  '\x08': 'backspace', // Ctrl-H
  '\x0b': 'kill-end', // Ctrl-K
  '\x0e': 'down', // Ctrl-N
  '\x12': 'search', // Ctrl-R
  '\x10': 'up', // Ctrl-P
  '\x15': 'kill-start', // Ctrl-U
  '\x17': 'kill-word', // Ctrl-W
  '\x1a': 'suspend', // Ctrl-Z
  '\x7f': 'backspace',
};

/** CSI/SS3 final bytes without parameters (or with modifier parameters). */
const FINAL: Record<string, KeyName> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' };

/** `ESC [ n ~` forms. */
const TILDE: Record<string, KeyName> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete' };

/** `ESC x` (Alt/Meta + key). */
const META: Record<string, KeyName> = { b: 'word-left', f: 'word-right', d: 'kill-word-forward', '\x7f': 'kill-word', '\x08': 'kill-word', '\r': 'enter' };

export function decodeKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  // A chunk of nothing but Tabs is the Tab key; a Tab inside pasted text is text.
  const tabIsKey = /^\t+$/.test(chunk);
  let text = '';
  const flush = (): void => {
    if (text) keys.push({ name: 'text', text });
    text = '';
  };
  const push = (name: KeyName): void => {
    flush();
    keys.push({ name });
  };

  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c === '\x1b') {
      i = escape(chunk, i, push) - 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && chunk[i + 1] === '\n') i++; // CRLF is one Enter
      push('enter');
      continue;
    }
    if (c === '\t') {
      if (tabIsKey) push('tab');
      else text += c;
      continue;
    }
    const ctl = CONTROL[c];
    if (ctl) {
      push(ctl);
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x20 || (code >= 0x80 && code < 0xa0)) continue; // other control bytes: ignored
    text += c;
  }
  flush();
  return keys;
}

/** Decodes the escape sequence at `i`; returns the index after it. */
function escape(s: string, i: number, push: (k: KeyName) => void): number {
  const next = s[i + 1];
  if (next === undefined) {
    push('escape');
    return i + 1;
  }
  if (next === '[' || next === 'O') {
    // CSI: parameters, intermediates, one final byte. SS3: one final byte.
    let j = i + 2;
    if (next === '[') while (j < s.length && /[0-9;:<=>?]/.test(s[j])) j++;
    const final = s[j];
    if (final === undefined) return s.length; // truncated: drop it
    const params = s.slice(i + 2, j);
    const mod = params.split(';')[1];
    const ctrlOrAlt = mod === '5' || mod === '3' || mod === '9';
    if (final === '~') {
      const k = TILDE[params.split(';')[0]];
      if (k) push(k);
      // 200~/201~ (bracketed paste markers), insert, page up/down: ignored
    } else if (FINAL[final]) {
      const k = FINAL[final];
      push(ctrlOrAlt && k === 'left' ? 'word-left' : ctrlOrAlt && k === 'right' ? 'word-right' : k);
    }
    return j + 1;
  }
  if (next === '\x1b') {
    // ESC ESC [ A (Alt + arrow on some terminals): treat as the inner key.
    return escape(s, i + 1, push);
  }
  const meta = META[next];
  if (meta) push(meta);
  return i + 2;
}
