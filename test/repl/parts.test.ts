// The shell's pure parts: key decoding, line editing, history, completion, screen text.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeKeys } from '../../src/repl/keys.js';
import { edit, type EditLine } from '../../src/repl/editor.js';
import { History, HistoryFile, mayKeep } from '../../src/repl/history.js';
import { complete, dueAt, listFiles, wordsBefore, type CompletionSources } from '../../src/repl/complete.js';
import { forTerminal } from '../../src/repl/text.js';
import { widthBound } from '../../src/repl/controller.js';
import { candidateLines, promptLine } from '../../src/repl/app.js';
import { BUILTIN_COMMANDS, Registry } from '../../src/commands/registry.js';
import type { CommandSpec } from '../../src/commands/types.js';
import { Secret } from '../../src/core/secret.js';

/** Shaped like a bot token, built at run time so that no token-shaped string is committed. */
const FAKE_TOKEN = ['123456789', 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0'].join(':');

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tgsh-parts-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('decodeKeys', () => {
  it.each([
    ['abc', [{ name: 'text', text: 'abc' }]],
    ['\r', [{ name: 'enter' }]],
    ['a\r\nb\nc\r', [{ name: 'text', text: 'a' }, { name: 'enter' }, { name: 'text', text: 'b' }, { name: 'enter' }, { name: 'text', text: 'c' }, { name: 'enter' }]],
    ['\t', [{ name: 'tab' }]],
    ['a\tb', [{ name: 'text', text: 'a\tb' }]],
    ['\x1b[A\x1b[B\x1b[C\x1b[D', [{ name: 'up' }, { name: 'down' }, { name: 'right' }, { name: 'left' }]],
    ['\x1bOA\x1bOH\x1bOF', [{ name: 'up' }, { name: 'home' }, { name: 'end' }]],
    ['\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[7~\x1b[8~\x1b[3~', [{ name: 'home' }, { name: 'end' }, { name: 'home' }, { name: 'end' }, { name: 'home' }, { name: 'end' }, { name: 'delete' }]],
    ['\x1b[1;5D\x1b[1;5C\x1bb\x1bf', [{ name: 'word-left' }, { name: 'word-right' }, { name: 'word-left' }, { name: 'word-right' }]],
    ['\x01\x05\x02\x06\x7f\x08\x15\x17\x0b\x03\x04\x10\x0e', ['home', 'end', 'left', 'right', 'backspace', 'backspace', 'kill-start', 'kill-word', 'kill-end', 'ctrl-c', 'ctrl-d', 'up', 'down'].map((name) => ({ name }))],
    ['\x1a\x12', [{ name: 'suspend' }, { name: 'search' }]],
    ['\x1b', [{ name: 'escape' }]],
    ['\x1b[200~pasted\x1b[201~', [{ name: 'text', text: 'pasted' }]],
    ['a\x00\x07b', [{ name: 'text', text: 'ab' }]],
    ['héllo 👋', [{ name: 'text', text: 'héllo 👋' }]],
  ])('%j', (chunk, keys) => {
    expect(decodeKeys(chunk)).toEqual(keys);
  });
});

describe('line editing', () => {
  const l = (text: string, cursor = text.length): EditLine => ({ text, cursor });
  it('moves and deletes whole graphemes', () => {
    expect(edit(l('a👋'), 'left')).toEqual(l('a👋', 1));
    expect(edit(l('a👋'), 'backspace')).toEqual(l('a'));
    expect(edit(l('e\u0301x', 0), 'delete')).toEqual(l('x', 0));
    expect(edit(l('ab', 0), 'left')).toEqual(l('ab', 0));
    expect(edit(l('ab'), 'right')).toEqual(l('ab'));
  });
  it('kills words and line parts', () => {
    expect(edit(l('msg @bob hello  '), 'kill-word')).toEqual(l('msg @bob '));
    expect(edit(l('msg @bob hello', 4), 'kill-start')).toEqual(l('@bob hello', 0));
    expect(edit(l('msg @bob hello', 4), 'kill-end')).toEqual(l('msg ', 4));
    expect(edit(l('msg @bob hello', 3), 'kill-word-forward')).toEqual(l('msg hello', 3));
    expect(edit(l('msg @bob hello', 9), 'word-left')).toEqual(l('msg @bob hello', 4));
    expect(edit(l('msg @bob hello', 4), 'word-right')).toEqual(l('msg @bob hello', 8));
  });
});

describe('history', () => {
  it('refuses blank lines, token-shaped lines and configured secrets', () => {
    expect(mayKeep('  ')).toBe(false);
    expect(mayKeep('stats')).toBe(true);
    expect(mayKeep(`login ${FAKE_TOKEN}`)).toBe(false);
    expect(mayKeep('msg @bob 12:30 lunch')).toBe(true);
    expect(mayKeep('password s3cr3tpass', [new Secret('s3cr3tpass')])).toBe(false);
  });

  it('browses with a draft, skips repeats, and keeps the last N', () => {
    const h = new History({ max: 3 });
    for (const x of ['a', 'b', 'b', 'c', 'd']) h.add(x);
    expect(h.lines).toEqual(['b', 'c', 'd']);
    expect(h.up('draft')).toBe('d');
    expect(h.up('d')).toBe('c');
    expect(h.up('c')).toBe('b');
    expect(h.up('b')).toBeUndefined();
    expect(h.down()).toBe('c');
    expect(h.down()).toBe('d');
    expect(h.down()).toBe('draft');
    expect(h.down()).toBeUndefined();
  });

  it('writes the file 0600 in a 0700 folder, fixes an existing file, and trims it', () => {
    const dir = join(tmp(), 'profiles', 'p');
    const path = join(dir, 'history');
    const f = new HistoryFile(path, 10);
    const h = new History({ store: f, max: 10 });
    h.load();
    for (let i = 0; i < 25; i++) h.add(`line ${i}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    h.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 15}`));

    chmodSync(path, 0o644);
    const h2 = new History({ store: new HistoryFile(path, 5), max: 5 });
    h2.load();
    expect(h2.lines).toEqual(['line 20', 'line 21', 'line 22', 'line 23', 'line 24']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(5);
  });

  it('reports an unwritable file once and keeps history in memory', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'profiles'), 'a file where a folder should be');
    const errors: string[] = [];
    const h = new History({ store: new HistoryFile(join(dir, 'profiles', 'p', 'history')), onError: (m) => errors.push(m) });
    h.load();
    h.add('one');
    h.add('two');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot read the history file \(ENOTDIR\)/);
    expect(h.lines).toEqual(['one', 'two']);
  });
});

describe('completion', () => {
  const send: CommandSpec = {
    name: 'send_file',
    group: 'messages',
    args: [
      { name: 'peer', kind: 'peer' },
      { name: 'file', kind: 'file_name' },
    ],
    options: [{ name: 'caption', value: 'string', description: 'x' }, { name: 'thumb', value: 'file_name', description: 'x' }, { name: 'silent', description: 'x' }],
    summary: 'x',
    run: () => ({ kind: 'success' }),
  };
  const broadcast: CommandSpec = {
    name: 'broadcast',
    group: 'messages',
    args: [
      { name: 'user', kind: 'user', repeat: true },
      { name: 'text', kind: 'string_end' },
    ],
    summary: 'x',
    run: () => ({ kind: 'success' }),
  };
  // The doubles replace the built-in commands of the same names.
  const registry = new Registry([...BUILTIN_COMMANDS.filter((c) => c.name !== send.name && c.name !== broadcast.name), send, broadcast]);
  const src: CompletionSources = {
    registry,
    peers: (p) => ['@alice', '@alfred', 'Bob_Smith'].filter((x) => x.startsWith(p)),
    files: (p) => ['my photos/', 'my file.jpg', 'notes.txt'].filter((x) => x.startsWith(p)),
  };
  const tab = (text: string): ReturnType<typeof complete> => complete(text, text.length, src);

  it('splits the words before the cursor, quotes included', () => {
    expect(wordsBefore('msg @bob "hel')).toEqual({ tokens: ['msg', '@bob'], word: { value: 'hel', start: 9, quote: '"' } });
    expect(wordsBefore('a "b c" ')).toEqual({ tokens: ['a', 'b c'], word: { value: '', start: 8, quote: undefined } });
  });

  it('knows what is due at each position', () => {
    expect(dueAt([], 'ver', registry)).toEqual({ kind: 'command' });
    expect(dueAt(['[offline]'], 'ver', registry)).toEqual({ kind: 'command' });
    expect(dueAt(['send_file'], '@a', registry)).toEqual({ kind: 'arg', arg: 'peer' });
    expect(dueAt(['send_file', '@a'], 'x', registry)).toEqual({ kind: 'arg', arg: 'file_name' });
    expect(dueAt(['send_file', '--caption', 'hi', '@a'], 'x', registry)).toEqual({ kind: 'arg', arg: 'file_name' });
    expect(dueAt(['send_file', '@a', '--thumb'], 'x', registry)).toEqual({ kind: 'arg', arg: 'file_name' });
    expect(dueAt(['send_file', '@a', 'f'], 'x', registry)).toEqual({ kind: 'none' });
    expect(dueAt(['broadcast', '@a', '@b'], '@c', registry)).toEqual({ kind: 'arg', arg: 'user' });
    expect(dueAt(['help'], 've', registry)).toEqual({ kind: 'command' });
    expect(dueAt(['nosuch'], 've', registry)).toEqual({ kind: 'none' });
  });

  it('completes one match, extends to the common prefix, lists several', () => {
    expect(tab('vers')).toEqual({ text: 'version ', cursor: 8 });
    expect(tab('help saf')).toEqual({ text: 'help safe_quit ', cursor: 15 });
    expect(tab('send_file @al')).toEqual({ text: 'send_file @al', cursor: 13, candidates: ['@alice', '@alfred'] });
    expect(tab('send_file Bo')).toEqual({ text: 'send_file Bob_Smith ', cursor: 20 });
    expect(tab('send_file @a --s')).toEqual({ text: 'send_file @a --silent ', cursor: 22 });
    expect(tab('zzz')).toEqual({ text: 'zzz', cursor: 3 });
    // completing in the middle of a line keeps what follows the cursor
    expect(complete('vers @x', 4, src)).toEqual({ text: 'version @x', cursor: 7 });
  });

  it('quotes file names with spaces and leaves folders open', () => {
    expect(tab('send_file @a my')).toEqual({ text: 'send_file @a "my ', cursor: 17, candidates: ['my photos/', 'my file.jpg'] });
    expect(tab('send_file @a "my f')).toEqual({ text: 'send_file @a "my file.jpg" ', cursor: 27 });
    expect(tab('send_file @a "my p')).toEqual({ text: 'send_file @a "my photos/', cursor: 24 });
    expect(tab('send_file @a no')).toEqual({ text: 'send_file @a notes.txt ', cursor: 23 });
  });

  it('lists files from the file system', () => {
    const d = tmp();
    mkdirSync(join(d, 'pics'));
    writeFileSync(join(d, 'pic.jpg'), '');
    writeFileSync(join(d, '.hidden'), '');
    expect(listFiles('pi', d)).toEqual(['pic.jpg', 'pics/']);
    expect(listFiles('', d)).toEqual(['pic.jpg', 'pics/']);
    expect(listFiles('.h', d)).toEqual(['.hidden']);
    expect(listFiles(`${d}/pics/`, d)).toEqual([]);
    expect(listFiles(`${d}/p`, d)).toEqual([`${d}/pic.jpg`, `${d}/pics/`]);
    expect(listFiles('nope/x', d)).toEqual([]);
  });
});

describe('screen text', () => {
  it('keeps colours, drops other escapes, shows control bytes, expands tabs', () => {
    expect(forTerminal('\x1b[31mred\x1b[39m')).toBe('\x1b[31mred\x1b[39m');
    expect(forTerminal('a\x1b[2Jb\x1b]0;title\x07c\x1b]8;;http://x\x1b\\d')).toBe('abcd');
    expect(forTerminal('bell\x07 nul\x00 cr\r del\x7f')).toBe('bell␇ nul␀ cr␍ del␡');
    expect(forTerminal('a\r\nb')).toBe('a\nb');
    expect(forTerminal('ab\tc\n\x1b[1mx\x1b[22m\ty')).toBe('ab      c\n\x1b[1mx\x1b[22m       y');
  });
});

describe('rendering helpers', () => {
  const inv = (s: string): string => `\x1b[7m${s}\x1b[27m`;
  it('draws the cursor on the character under it, or after the end', () => {
    expect(promptLine({ prompt: '> ', line: { text: 'abc', cursor: 1 }, hidden: false })).toBe(`> a${inv('b')}c`);
    expect(promptLine({ prompt: '> ', line: { text: 'abc', cursor: 3 }, hidden: false })).toBe(`> abc${inv(' ')}`);
    expect(promptLine({ prompt: '> ', line: { text: 'a👋', cursor: 1 }, hidden: false })).toBe(`> a${inv('👋')}`);
    expect(promptLine({ prompt: 'password: ', line: { text: 'secret', cursor: 6 }, hidden: true })).toBe(`password: ${inv(' ')}`);
  });
  it('shows a window of a very long line around the cursor', () => {
    const text = 'a'.repeat(50) + 'X' + 'b'.repeat(50);
    const shown = promptLine({ prompt: '> ', line: { text, cursor: 50 }, hidden: false }, 20);
    expect(shown).toBe(`> …${'a'.repeat(10)}${inv('X')}${'b'.repeat(9)}…`);
  });
  it('fits candidates in a few lines and counts the rest', () => {
    const c = Array.from({ length: 50 }, (_, i) => `@user${i}`);
    const out = candidateLines(c, 40, 2);
    expect(out.length).toBeLessThanOrEqual(80);
    expect(out).toMatch(/^@user0  @user1 .* \(\+\d+ more\)$/);
    expect(candidateLines(['a', 'b'], 40, 2)).toBe('a  b');
  });
  it('bounds the width of a transcript item', () => {
    expect(widthBound('ab\n\x1b[31mabcd\x1b[39m')).toBe(4);
    expect(widthBound('日本')).toBe(4);
    expect(widthBound('')).toBe(1);
  });
});
