// Text on its way to the screen. Answers and incoming events may carry bytes from other people
// (names, messages): only colour codes (SGR) survive; other escape sequences are dropped, other
// control bytes shown as Unicode control pictures, and tabs expanded (Ink measures a tab as 0).

const SGR = /^\x1b\[[0-9;:]*m/;

export function forTerminal(text: string): string {
  const s = text.replace(/\r\n/g, '\n');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = c.charCodeAt(0);
    if (c === '\x1b') {
      const sgr = SGR.exec(s.slice(i, i + 32));
      if (sgr) {
        out += sgr[0];
        i += sgr[0].length - 1;
      } else i = skipEscape(s, i) - 1;
      continue;
    }
    if (c === '\n' || c === '\t') out += c;
    else if (code < 0x20) out += String.fromCharCode(0x2400 + code);
    else if (code === 0x7f) out += '\u2421';
    else if (code >= 0x80 && code < 0xa0) out += '\ufffd';
    else out += c;
  }
  return expandTabs(out);
}

/** Index after the escape sequence at i (CSI, OSC/DCS up to BEL or ST, or ESC + one byte). */
function skipEscape(s: string, i: number): number {
  const next = s[i + 1];
  if (next === '[') {
    let j = i + 2;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x3f) j++;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    return Math.min(s.length, j + 1);
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^') {
    for (let j = i + 2; j < s.length; j++) {
      if (s[j] === '\x07') return j + 1;
      if (s[j] === '\x1b' && s[j + 1] === '\\') return j + 2;
    }
    return s.length;
  }
  return Math.min(s.length, i + 2);
}

/** Tabs to spaces, to the next multiple of 8 columns (ignoring colour codes when counting). */
export function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  return text
    .split('\n')
    .map((line) => {
      let col = 0;
      let out = '';
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '\x1b') {
          const sgr = SGR.exec(line.slice(i, i + 32));
          if (sgr) {
            out += sgr[0];
            i += sgr[0].length - 1;
            continue;
          }
        }
        if (c === '\t') {
          const n = 8 - (col % 8);
          out += ' '.repeat(n);
          col += n;
        } else {
          out += c;
          col++;
        }
      }
      return out;
    })
    .join('\n');
}
