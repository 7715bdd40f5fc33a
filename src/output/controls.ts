// Text answers go to terminals: a control byte inside a message, a name or an echoed argument
// (NUL, ESC, CR, C1's CSI) must not reach it raw, or a peer's name could move the cursor, clear
// the screen or hide an answer. Tabs and newlines stay; every other control is shown visibly.

 
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
 
const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** `^@`, `^[`, `^M` ... for C0 controls (as `cat -v`), `^?` for DEL, `\x9b` for C1 controls. */
export function showControls(s: string): string {
  if (!HAS_CONTROL.test(s)) return s;
  return s.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return '^' + String.fromCharCode(code + 64);
    if (code === 0x7f) return '^?';
    return '\\x' + code.toString(16);
  });
}

/**
 * A copy of a value with showControls applied to every string in it; parts without control
 * characters are returned as they are (no copy of a big list with clean names).
 */
export function withControlsShown<T>(value: T): T {
  return clean(value, new Map()) as T;
}

// `seen` maps each object already walked to its cleaned form: a history's messages share their
// peers (chat, author, recipient), which are walked once, not once per message.
function clean(v: unknown, seen: Map<object, unknown>): unknown {
  if (typeof v === 'string') return showControls(v);
  if (v === null || typeof v !== 'object') return v;
  const known = seen.get(v);
  if (known !== undefined) return known;
  seen.set(v, v); // a cycle ends here
  let result: unknown = v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = clean(v[i], seen);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    result = out ?? v;
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    // Secrets, Dates, class instances stay as they are.
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const c = clean(x, seen);
      if (c !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = c;
    }
    result = out ?? v;
  }
  seen.set(v, result);
  return result;
}
