import { describe, expect, it } from 'vitest';
import { parseLine, type ParseOutcome } from '../../src/commands/parse.js';
import { Registry } from '../../src/commands/registry.js';
import type { CommandSpec } from '../../src/commands/types.js';
import { success } from '../../src/commands/result.js';

const spec = (s: Partial<CommandSpec> & Pick<CommandSpec, 'name' | 'args'>): CommandSpec => ({ group: 'shell', summary: s.name, run: () => success(), ...s });

const registry = new Registry([
  spec({ name: 'msg', args: [{ name: 'peer', kind: 'peer' }, { name: 'text', kind: 'string_end' }], options: [{ name: 'force', description: 'x' }] }),
  spec({ name: 'broadcast', args: [{ name: 'peers', kind: 'peer', repeat: true }, { name: 'text', kind: 'string_end' }] }),
  spec({ name: 'dialog_list', args: [{ name: 'limit', kind: 'number', optional: true, default: 100 }, { name: 'offset', kind: 'number', optional: true, default: 0 }] }),
  spec({ name: 'purge', args: [], options: [{ name: 'inactive-days', value: 'number', description: 'x' }, { name: 'dry-run', description: 'x' }] }),
  spec({ name: 'user_info', args: [{ name: 'user', kind: 'user' }] }),
  spec({ name: 'chat_info', args: [{ name: 'chat', kind: 'chat' }] }),
  spec({ name: 'send_photo', args: [{ name: 'peer', kind: 'peer' }, { name: 'file', kind: 'file_name' }, { name: 'caption', kind: 'string_end', optional: true }] }),
  spec({ name: 'resolve_username', aliases: ['contact_search'], args: [{ name: 'name', kind: 'username', repeat: true }] }),
  spec({ name: 'help', args: [{ name: 'command', kind: 'string', optional: true }] }),
  spec({ name: 'fwd', args: [{ name: 'peer', kind: 'peer' }, { name: 'ids', kind: 'number', repeat: true }] }),
]);

function ok(line: string) {
  const r = parseLine(line, registry);
  if (r.kind !== 'command') throw new Error(`expected a command for ${JSON.stringify(line)}, got ${JSON.stringify(r)}`);
  return r;
}
function err(line: string): string {
  const r: ParseOutcome = parseLine(line, registry);
  if (r.kind !== 'error') throw new Error(`expected an error for ${JSON.stringify(line)}, got ${r.kind}`);
  expect(r.result.code).toBe(38);
  return r.result.error;
}

describe('parseLine: skipped lines', () => {
  it.each(['', '   ', '\t', '# a comment', '   # indented comment', '#'])('%j gets no answer', (line) => {
    expect(parseLine(line, registry).kind).toBe('skip');
  });
});

describe('parseLine: arguments', () => {
  it.each([
    ['msg @alice hello world', { peer: { kind: 'username', username: 'alice' }, text: 'hello world' }],
    ['msg user#42 hi', { peer: { kind: 'typed', type: 'user', id: 42 }, text: 'hi' }],
    ['msg user#id42 hi', { peer: { kind: 'typed', type: 'user', id: 42 }, text: 'hi' }],
    ['msg chat#7 hi', { peer: { kind: 'typed', type: 'chat', id: 7 }, text: 'hi' }],
    ['msg channel#99 hi', { peer: { kind: 'typed', type: 'channel', id: 99 }, text: 'hi' }],
    ['msg 123456 hi', { peer: { kind: 'botapi', chatId: 123456 }, text: 'hi' }],
    ['msg -4567 hi', { peer: { kind: 'botapi', chatId: -4567 }, text: 'hi' }],
    ['msg -1001234567890 hi', { peer: { kind: 'botapi', chatId: -1001234567890 }, text: 'hi' }],
    ['msg John_Smith#1 hi', { peer: { kind: 'print_name', name: 'John_Smith#1' }, text: 'hi' }],
    ['msg $010000006459670b02c0c7fd66d44708 hi', { peer: { kind: 'permanent', type: 'user', id: 191322468, accessHash: 596679014459359234n }, text: 'hi' }],
    ['msg https://t.me/some_name hi', { peer: { kind: 'username', username: 'some_name' }, text: 'hi' }],
  ])('%s', (line, expected) => {
    const r = ok(line);
    const { peer, text } = r.input.args as { peer: object; text: string };
    expect(peer).toMatchObject(expected.peer);
    expect(text).toBe(expected.text);
  });

  it('keeps the raw rest of the line for text, trimming only trailing space', () => {
    expect(ok('msg @a   two  spaces  inside   ').input.args.text).toBe('two  spaces  inside');
    expect(ok("msg @a don't \"quote\" me").input.args.text).toBe('don\'t "quote" me');
  });

  it('unquotes text that is one quoted string, with escapes', () => {
    expect(ok('msg @a "line1\\nline2\\t\\"q\\" \\\\"').input.args.text).toBe('line1\nline2\t"q" \\');
    expect(ok("msg @a '  leading spaces'").input.args.text).toBe('  leading spaces');
    expect(ok('msg @a "a" b').input.args.text).toBe('"a" b');
  });

  it('reads quoted tokens with escapes', () => {
    expect(ok('msg "John Smith" hi').input.args.peer).toMatchObject({ kind: 'print_name', name: 'John Smith' });
    expect(ok("help 'msg'").input.args.command).toBe('msg');
    expect(ok('help "a\\bb\\ac"').input.args.command).toBe('a\bb\x07c');
  });

  it('fills optional arguments with defaults', () => {
    expect(ok('dialog_list').input.args).toEqual({ limit: 100, offset: 0 });
    expect(ok('dialog_list 5').input.args).toEqual({ limit: 5, offset: 0 });
    expect(ok('dialog_list 5 10').input.args).toEqual({ limit: 5, offset: 10 });
    expect(ok('send_photo @a pic.jpg').input.args.caption).toBeUndefined();
    expect(ok('send_photo @a pic.jpg a nice caption').input.args.caption).toBe('a nice caption');
  });

  it('reads repeated peers up to the text', () => {
    const r = ok('broadcast @a user#5 -1001234567890 hello @b there');
    expect((r.input.args.peers as unknown[]).length).toBe(3);
    expect(r.input.args.text).toBe('hello @b there');
  });

  it('leaves the last word for the text when every word looks like a peer', () => {
    const r = ok('broadcast @a @b @c');
    expect((r.input.args.peers as unknown[]).length).toBe(2);
    expect(r.input.args.text).toBe('@c');
  });

  it('treats bare words in repeated peers as print names only when known', () => {
    const known = parseLine('broadcast @a Alice_Smith hi there', registry, { isKnownPeer: (t) => t === 'Alice_Smith' });
    expect(known.kind === 'command' && (known.input.args.peers as unknown[]).length).toBe(2);
    const unknown = parseLine('broadcast @a Alice_Smith hi there', registry);
    expect(unknown.kind === 'command' && unknown.input.args.text).toBe('Alice_Smith hi there');
  });

  it('reads repeated numbers and names', () => {
    expect(ok('fwd @a 1 2 3').input.args.ids).toEqual([1, 2, 3]);
    expect(ok('resolve_username a b c').input.args.name).toEqual(['a', 'b', 'c']);
    expect(ok('contact_search @x').spec.name).toBe('resolve_username');
  });

  it('reads options before, between and after arguments', () => {
    expect(ok('purge --inactive-days 30 --dry-run').input.options).toEqual({ 'inactive-days': 30, 'dry-run': true });
    expect(ok('purge --dry-run --inactive-days=7').input.options).toEqual({ 'inactive-days': 7, 'dry-run': true });
    const m = ok('msg --force @a --hello there');
    expect(m.input.options).toEqual({ force: true });
    expect(m.input.args.text).toBe('--hello there');
    expect(ok('msg @a -- --force is text').input.args.text).toBe('--force is text');
  });
});

describe('parseLine: modifiers', () => {
  it('reads every modifier', () => {
    const r = ok('[offline] [html] [markdown] [disable_preview] [enable_preview] [reply=12] [x3] [force] msg @a hi');
    expect(r.modifiers).toEqual({ offline: true, html: true, markdown: true, disablePreview: true, enablePreview: true, reply: 12, times: 3, force: true });
  });
  it.each([
    ['[bogus] msg @a hi', "unknown modifier '[bogus]'"],
    ['[x0] msg @a hi', '[x0]: the repeat count must be 1 to 100'],
    ['[x1000] msg @a hi', '[x1000]: the repeat count must be 1 to 100'],
    ['[reply=abc] msg @a hi', '[reply=abc]: give the id of the message to answer, a whole number (as [reply=42])'],
    ['[topic=abc] msg @a hi', "[topic=abc]: give the topic's id, a whole number (as [topic=42])"],
    ['[topic=] msg @a hi', "[topic=]: give the topic's id, a whole number (as [topic=42])"],
    ['[offline]', 'can not parse line: a command must follow the modifiers'],
    ['[offline msg', "can not parse modifier '[offline'"],
  ])('%s', (line, message) => {
    expect(err(line)).toBe(message);
  });
});

describe('parseLine: errors (code 38, telegram-cli texts)', () => {
  it.each([
    ['mgs @a hi', "can not find command 'mgs'"],
    ['msg', 'can not parse arg #1: missing <peer>'],
    ['msg @a', 'can not parse arg #2: missing <text>'],
    ['msg @bad-name hi', "can not parse arg #1: '@bad-name' is not a username (letters, digits and _ only)"],
    ['msg $0100 hi', 'can not parse arg #1: a permanent id is $ followed by 32 or 48 hex digits'],
    ['msg $090000006459670b02c0c7fd66d44708 hi', 'can not parse arg #1: unknown peer type 9 in permanent id'],
    ['dialog_list abc', "can not parse arg #1: 'abc' is not a number"],
    ['dialog_list 1 2 3', 'too many args #3'],
    ['help a b', 'too many args #2'],
    ['user_info chat#5', "can not parse arg #1: 'chat#5' is a chat, not a user"],
    ['chat_info -1001234567890', "can not parse arg #1: '-1001234567890' is a channel, not a chat"],
    ['purge --inactive-days', 'option --inactive-days needs a number'],
    ['purge --inactive-days x', "option --inactive-days needs a number, not 'x'"],
    ['purge --nope', "unknown option '--nope' for purge (it takes --inactive-days --dry-run)"],
    ['dialog_list --nope', "unknown option '--nope' for dialog_list (it takes no options)"],
    ['dialog_list --max-wait 5', "unknown option '--max-wait' for dialog_list (it takes no options); --max-wait is a flag of tgsh itself, given when it starts: tgsh --max-wait ... -e 'dialog_list ...'"],
    ['msg "unclosed hi', 'can not parse arg #1: unbalanced quote: " opened at column 5 is never closed'],
    ['"unclosed', 'can not parse line: unbalanced quote: " opened at column 1 is never closed'],
    ['dialog_list 99999999999999999999', 'can not parse arg #1: 99999999999999999999 is out of range'],
  ])('%s', (line, message) => {
    expect(err(line)).toBe(message);
  });

  it('suggests the closest command', () => {
    const r = parseLine('mgs @a hi', registry);
    expect(r.kind === 'error' && r.result.hint).toBe("did you mean 'msg'?");
    const far = parseLine('zzzzzzzz', registry);
    expect(far.kind === 'error' && far.result.hint).toBe("type 'help' for the list of commands");
    const prefix = parseLine('resolve', registry);
    expect(prefix.kind === 'error' && prefix.result.hint).toBe("did you mean 'resolve_username'?");
  });

  it('adds the usage to argument errors', () => {
    const r = parseLine('msg', registry);
    expect(r.kind === 'error' && r.result.hint).toBe('usage: msg <peer> <text> [--force]');
  });
});

describe('parseLine: hostile input', () => {
  it('escapes control bytes quoted back in errors, so the answer is one line', () => {
    const e = err('m\u0000s\u001b[2J\ng');
    expect(e).not.toMatch(/[\u0000-\u001f]/);
    expect(e).toContain('\\x00');
  });

  it('answers NUL bytes and invalid UTF-8 replacement characters with one FAIL', () => {
    expect(err('\u0000')).toMatch(/^can not find command/);
    expect(err('\ufffd\ufffd msg')).toMatch(/^can not find command/);
  });

  it('handles a 1 MB line', () => {
    const big = 'x'.repeat(1 << 20);
    expect(err(big)).toMatch(/^can not find command 'x{64}\.\.\.'$/);
    expect(ok(`msg @a ${big}`).input.args.text).toHaveLength(1 << 20);
    expect(err(`"${big}`)).toMatch(/unbalanced quote/);
  });

  it('handles 10,000 arguments', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `w${i}`).join(' ');
    expect(err(`help ${many}`)).toBe('too many args #2');
    expect(err(`dialog_list ${many}`)).toBe("can not parse arg #1: 'w0' is not a number");
    const peers = Array.from({ length: 10_000 }, (_, i) => `user#${i + 1}`).join(' ');
    const r = ok(`broadcast ${peers} text`);
    expect((r.input.args.peers as unknown[]).length).toBe(10_000);
  });

  it('never throws on random input', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ['"', "'", '\\', '[', ']', '@', '#', '$', '-', '--', ' ', '\t', 'msg', 'x', '0', '9', 'user#', '\u0000', '\u00e9', '\ud800', '=', 'reply=', 'x3'];
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rnd() * 20);
      let line = '';
      for (let j = 0; j < len; j++) line += alphabet[Math.floor(rnd() * alphabet.length)];
      const r = parseLine(line, registry);
      expect(['skip', 'command', 'error']).toContain(r.kind);
    }
  });
});
