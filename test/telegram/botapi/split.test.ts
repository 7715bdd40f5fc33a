// Long texts into parts of at most 4096 counted characters: paragraph, then line, then word
// boundaries; with [html]/[markdown] only where no markup is open.
import { describe, expect, it } from 'vitest';
import { splitText, TEXT_LIMIT } from '../../../src/telegram/botapi/split.js';

function parts(text: string, mode?: 'HTML' | 'MarkdownV2', limit?: number): string[] {
  const r = splitText(text, mode, limit);
  if (!r.ok) throw new Error(r.error);
  return r.parts;
}

describe('plain text', () => {
  it('keeps a text that fits whole, and gives no part for blank text', () => {
    expect(parts('hello')).toEqual(['hello']);
    expect(parts('x'.repeat(TEXT_LIMIT))).toEqual(['x'.repeat(TEXT_LIMIT)]);
    expect(parts('  \n ')).toEqual([]);
  });

  it('cuts at the last paragraph break that fits, then lines, then words, then anywhere', () => {
    const a = 'a'.repeat(2000);
    const b = 'b'.repeat(3000);
    expect(parts(`${a}\n\n${b}`)).toEqual([a, b]);
    expect(parts(`${a}\n${b}`)).toEqual([a, b]);
    expect(parts(`${a} ${b}`)).toEqual([a, b]);
    expect(parts('z'.repeat(5000))).toEqual(['z'.repeat(4096), 'z'.repeat(904)]);
    // A paragraph break beats a later line break.
    const lines = `${'p'.repeat(100)}\n\n${'q'.repeat(3000)}\n${'r'.repeat(3000)}`;
    expect(parts(lines)[0]).toBe('p'.repeat(100));
  });

  it('keeps the order and loses no word', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`);
    const ps = parts(words.join(' '));
    expect(ps.length).toBeGreaterThan(1);
    for (const p of ps) expect(p.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(ps.join(' ').split(' ')).toEqual(words);
  });

  it('never cuts a surrogate pair', () => {
    const ps = parts('😀'.repeat(3000));
    expect(ps.map((p) => p.length)).toEqual([4096, 1904]);
    expect(ps.join('')).toBe('😀'.repeat(3000));
    const odd = parts('x' + '😀'.repeat(3000));
    expect(odd[0]!.length).toBe(4095);
  });
});

describe('[html]', () => {
  it('counts what Telegram counts: tags are free, an entity is one character', () => {
    expect(parts('<b>' + 'x'.repeat(4096) + '</b>', 'HTML')).toHaveLength(1);
    expect(parts('&amp;'.repeat(4096), 'HTML')).toHaveLength(1);
  });

  it('cuts only outside tags', () => {
    const text = `<b>${'x '.repeat(1000)}</b>\n${'y '.repeat(1500)}<i>${'z'.repeat(1000)}</i>`;
    const ps = parts(text, 'HTML');
    // The space before </b> stays: nothing is cut or trimmed inside a tag.
    expect(ps).toEqual([`<b>${'x '.repeat(1000)}</b>`, `${'y '.repeat(1500)}<i>${'z'.repeat(1000)}</i>`]);
  });

  it('refuses a formatted span longer than the limit, and broken markup that must be split', () => {
    const r = splitText(`<b>${'x '.repeat(3000)}</b>`, 'HTML');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/can not be split without breaking its markup/);
    const broken = splitText(`<b>${'x '.repeat(3000)}`, 'HTML');
    expect(!broken.ok && broken.error).toMatch(/<b> is never closed/);
    const lt = splitText(`a < b ${'x '.repeat(3000)}`, 'HTML');
    expect(!lt.ok && lt.error).toMatch(/write &lt;/);
    // Short texts go to Telegram as they are (it says what is wrong).
    expect(parts('<b>open', 'HTML')).toEqual(['<b>open']);
  });
});

describe('[markdown] (MarkdownV2)', () => {
  it('cuts only where no span is open, and counts escapes as one', () => {
    const text = `*${'w '.repeat(1000)}*\n${'plain '.repeat(700)}\n_it_`;
    const ps = parts(text, 'MarkdownV2');
    expect(ps[0]).toBe(`*${'w '.repeat(1000)}*`);
    expect(ps.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
    expect(ps.at(-1)!.endsWith('_it_')).toBe(true);
    expect(parts('\\.'.repeat(4096), 'MarkdownV2')).toHaveLength(1);
  });

  it('keeps code blocks and links whole', () => {
    const code = '```js\n' + 'let a = 1;\n'.repeat(300) + '```';
    const link = '[a link](https://example.com/path_with_underscores)';
    const ps = parts(`${code}\n${'word '.repeat(600)}${link}`, 'MarkdownV2');
    expect(ps[0]).toBe(code);
    expect(ps.at(-1)).toContain(link);
  });

  it('refuses unescaped reserved characters when the text must be split', () => {
    const r = splitText('x. '.repeat(2000), 'MarkdownV2');
    expect(!r.ok && r.error).toMatch(/'\.' at character 2 must be escaped as '\\\.'/);
  });
});
