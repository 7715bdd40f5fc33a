// The Ink shell through ink-testing-library, with the real controller, Executor and registry.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fail } from '../../src/commands/result.js';
import type { Result, CommandSpec } from '../../src/commands/types.js';
import { version } from '../../src/core/version.js';
import { deferred, indexOfLine, mountShell, tick, type Mounted } from './helpers.js';

/** Shaped like a bot token, built at run time so that no token-shaped string is committed. */
const FAKE_TOKEN = ['123456789', 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0'].join(':');

const V = version();
let shell: Mounted | undefined;
afterEach(() => {
  shell?.unmount();
  shell = undefined;
});

/** `slow [label]`: runs until the test opens the gate, or fails when aborted. */
function slowCommand(): { spec: CommandSpec; open(): void; aborted: () => boolean } {
  const gate = deferred();
  let aborted = false;
  const spec: CommandSpec = {
    name: 'slow',
    group: 'shell',
    args: [{ name: 'label', kind: 'string', optional: true }],
    summary: 'waits for the test',
    async run(ctx, { args }): Promise<Result> {
      const stop = new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
      await Promise.race([gate.promise, stop]);
      if (ctx.signal.aborted) {
        aborted = true;
        return fail(22, 'stopped');
      }
      return { kind: 'text', text: `slow ${String(args.label ?? '')} done`.replace('  ', ' '), json: null };
    },
  };
  return { spec, open: () => gate.resolve(), aborted: () => aborted };
}

const msg: CommandSpec = {
  name: 'msg',
  group: 'messages',
  args: [
    { name: 'peer', kind: 'peer' },
    { name: 'text', kind: 'string_end' },
  ],
  summary: 'sends a message (test double)',
  run: () => ({ kind: 'success' }),
};

const login: CommandSpec = {
  name: 'login',
  group: 'account',
  args: [],
  summary: 'asks for a code and a hidden password (test double)',
  async run(ctx): Promise<Result> {
    const code = await ctx.ask!('code:');
    const password = await ctx.ask!('password:', { hidden: true });
    return { kind: 'fields', fields: [['code', code], ['password_length', password.length]] };
  },
};

describe('interactive shell: typing and answers', () => {
  it('shows the banner, the prompt, then the echoed line with its answer under it', async () => {
    shell = await mountShell();
    expect(shell.frame()).toContain(`tgsh ${V} — type 'help' for commands, Ctrl-D to exit`);
    expect(shell.promptLine()).toBe('>');
    await shell.type('version');
    const f = await shell.waitFor(`version: tgsh ${V}`);
    const lines = f.split('\n');
    expect(lines[indexOfLine(f, '> version') + 1]).toBe(`version: tgsh ${V}`);
    expect(shell.promptLine()).toBe('>');
  });

  it('answers help and stats, and a bad line with a FAIL', async () => {
    shell = await mountShell();
    await shell.type('help');
    await shell.waitFor(/safe_quit\s+Exits once pending work/);
    await shell.type('stats');
    await shell.waitFor('mode: interactive');
    await shell.type('nosuch');
    const f = await shell.waitFor("FAIL: 38: can not find command 'nosuch'");
    expect(f.split('\n')[indexOfLine(f, '> nosuch') + 1]).toBe("FAIL: 38: can not find command 'nosuch'");
  });

  it('hides the banner with -D (quiet)', async () => {
    shell = await mountShell({ config: { quiet: true } });
    expect(shell.frame()).not.toContain('tgsh ' + V);
    expect(shell.frame().trim()).toBe('>');
  });

  it('colours answers unless colour is off', async () => {
    shell = await mountShell({ config: { color: true } });
    await shell.type('nosuch');
    await shell.waitFor('FAIL: 38');
    // frame() strips colours; the raw frame has the red FAIL
    expect(shell.controller.snapshot().items.some((i) => i.text.includes('\x1b[31mFAIL: 38'))).toBe(true);
  });

  it('leaves long lines whole (the terminal wraps them), so a JSON answer stays one line', async () => {
    shell = await mountShell({ config: { json: true } });
    await shell.type('help');
    const f = await shell.waitFor('"command"');
    const line = f.split('\n').find((l) => l.startsWith('[{"command"'))!;
    expect(line.length).toBeGreaterThan(100); // wider than the test terminal
    expect((JSON.parse(line) as unknown[]).length).toBeGreaterThan(3);
  });

  it('edits the line: left/right, home/end, backspace/delete, Ctrl-U, Ctrl-W, with a visible cursor', async () => {
    shell = await mountShell();
    shell.write('versoin');
    await tick();
    expect(shell.controller.snapshot().line).toEqual({ text: 'versoin', cursor: 7 });
    shell.write('\x1b[D'); // left
    shell.write('\x1b[D');
    shell.write('\x7f'); // backspace: versin
    shell.write('o'); // versoin -> verso + in
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('versoin');
    shell.write('\x01'); // Ctrl-A
    shell.write('\x1b[3~'); // delete
    await tick();
    expect(shell.controller.snapshot().line).toEqual({ text: 'ersoin', cursor: 0 });
    shell.write('\x05 two words'); // Ctrl-E, then text
    shell.write('\x17'); // Ctrl-W
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('ersoin two ');
    shell.write('\x1b[H'); // Home
    shell.write('\x1b[C'); // right
    await tick();
    // the cursor is drawn in inverse video on the character under it
    expect(shell.controller.snapshot().line.cursor).toBe(1);
    shell.write('\x15'); // Ctrl-U deletes before the cursor
    await tick();
    expect(shell.controller.snapshot().line).toEqual({ text: 'rsoin two ', cursor: 0 });
    expect(shell.promptLine()).toBe('> rsoin two');
  });
});

describe('interactive shell: history', () => {
  it('recalls lines with up/down, keeps the line being edited, and persists them (0600)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tgsh-repl-'));
    shell = await mountShell({ home });
    await shell.type('version');
    await shell.type('help version');
    await shell.waitFor('Prints the version of tgsh');
    shell.write('draft');
    await tick();
    shell.write('\x1b[A');
    await tick();
    expect(shell.promptLine()).toBe('> help version');
    shell.write('\x1b[A');
    await tick();
    expect(shell.promptLine()).toBe('> version');
    shell.write('\x1b[A'); // oldest: stays
    await tick();
    expect(shell.promptLine()).toBe('> version');
    shell.write('\x1b[B');
    await tick();
    expect(shell.promptLine()).toBe('> help version');
    shell.write('\x1b[B');
    await tick();
    expect(shell.promptLine()).toBe('> draft');
    // the cursor follows a recalled line to its end (no stale cursor)
    expect(shell.controller.snapshot().line.cursor).toBe(5);

    const file = `${home}/profiles/default/history`;
    expect(readFileSync(file, 'utf8')).toBe('version\nhelp version\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);

    // a new shell on the same profile starts with that history
    shell.unmount();
    shell = await mountShell({ home });
    shell.write('\x1b[A');
    await tick();
    expect(shell.promptLine()).toBe('> help version');
    rmSync(home, { recursive: true, force: true });
  });

  it('Ctrl-R searches the history backwards; Enter runs the match, Ctrl-C puts the line back', async () => {
    shell = await mountShell();
    await shell.type('version');
    await shell.type('help version');
    await shell.type('help msg');
    await shell.waitFor('> help msg');
    shell.write('draft');
    await tick();
    shell.write('\x12');
    await tick();
    expect(shell.promptLine()).toBe("(reverse-i-search)'':");
    shell.write('vers');
    await tick();
    expect(shell.promptLine()).toBe("(reverse-i-search)'vers': help version");
    shell.write('\x12'); // an older match
    await tick();
    expect(shell.promptLine()).toBe("(reverse-i-search)'vers': version");
    shell.write('\x12'); // none older: stays
    await tick();
    expect(shell.promptLine()).toBe("(reverse-i-search)'vers': version");
    shell.write('x');
    await tick();
    expect(shell.promptLine()).toBe("(failed reverse-i-search)'versx':");
    shell.write('\x7f');
    await tick();
    expect(shell.promptLine()).toBe("(reverse-i-search)'vers': help version");
    shell.write('\x03'); // Ctrl-C: the line as it was
    await tick();
    expect(shell.promptLine()).toBe('> draft');
    expect(shell.controller.isDone).toBe(false);

    shell.write('\x15\x12msg'); // Ctrl-U, Ctrl-R, "msg"
    await tick();
    expect(shell.promptLine()).toBe("(reverse-i-search)'msg': help msg");
    shell.write('\x1b[D'); // a movement key takes the match for editing
    await tick();
    expect(shell.promptLine()).toBe('> help msg');
    shell.write('\x15\x12ion\r'); // Enter runs the match
    await shell.waitFor(/> help version\nversion\n/);
  });

  it('never saves a line with a bot token, nor answers to questions', async () => {
    shell = await mountShell({ commands: [login] });
    await shell.type(`stats ${FAKE_TOKEN}`);
    await shell.waitFor('FAIL: 38');
    await shell.type('login');
    await shell.waitFor(/code:\s*$/);
    await shell.type('12345');
    await shell.waitFor(/password:\s*$/);
    await shell.type('hunter2secret');
    await shell.waitFor('password_length: 13');
    const file = `${shell.home}/profiles/default/history`;
    expect(readFileSync(file, 'utf8')).toBe('login\n');
  });
});

describe('interactive shell: Tab completion', () => {
  it('completes a command name, and shows candidates when several match', async () => {
    shell = await mountShell();
    shell.write('ver');
    await tick();
    shell.write('\t');
    await tick();
    expect(shell.promptLine()).toBe('> version');
    expect(shell.controller.snapshot().line.text).toBe('version ');
    shell.write('\x15s');
    await tick();
    shell.write('\t');
    await tick();
    expect(shell.frame()).toMatch(/safe_quit  sandbox  search  send_audio  send_document  send_file [\s\S]*stats/);
    expect(shell.promptLine()).toBe('> s');
  });

  it('completes a peer from the completion source', async () => {
    shell = await mountShell({ commands: [msg], peers: ['@alice', '@alfred', '@bob'] });
    shell.write('msg @b');
    await tick();
    shell.write('\t');
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('msg @bob ');
    shell.write('\x15msg @a');
    await tick();
    shell.write('\t');
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('msg @al');
    expect(shell.frame()).toContain('@alice  @alfred');
    shell.write('i\t');
    await tick();
    // "i\t" in one chunk is typed text, not a Tab key; a Tab alone completes
    shell.write('\x7f');
    await tick();
    shell.write('\t');
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('msg @alice ');
    await shell.type('hello there');
    await shell.waitFor('SUCCESS');
  });

  it('completes file names for file_name arguments', async () => {
    const send: CommandSpec = { name: 'send_file', group: 'messages', args: [{ name: 'peer', kind: 'peer' }, { name: 'file', kind: 'file_name' }], summary: 'test', run: () => ({ kind: 'success' }) };
    shell = await mountShell({ commands: [send], peers: ['@bob'], controller: { files: (p) => ['photos/', 'photo.jpg'].filter((f) => f.startsWith(p)) } });
    shell.write('send_file @bob photo.');
    await tick();
    shell.write('\t');
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('send_file @bob photo.jpg ');
  });
});

describe('interactive shell: several lines, Ctrl-C, Ctrl-D, quit', () => {
  it('runs each line of a paste in order', async () => {
    shell = await mountShell();
    shell.write('version\rhelp version\rstats\r');
    const f = await shell.waitFor('mode: interactive');
    const a = indexOfLine(f, '> version');
    const b = indexOfLine(f, '> help version');
    const c = indexOfLine(f, '> stats');
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
    expect(f.split('\n')[a + 1]).toBe(`version: tgsh ${V}`);
    expect(f.split('\n')[b + 1]).toBe('version');
    expect(shell.promptLine()).toBe('>');
  });

  it('keeps the unfinished last line of a paste on the prompt', async () => {
    shell = await mountShell();
    shell.write('version\r\nhelp ver');
    await shell.waitFor(`version: tgsh ${V}`);
    expect(shell.promptLine()).toBe('> help ver');
  });

  it('Ctrl-C clears the line; Ctrl-C twice exits', async () => {
    shell = await mountShell();
    shell.write('some text');
    await tick();
    shell.write('\x03');
    await tick();
    expect(shell.promptLine()).toBe('>');
    expect(shell.frame()).toContain('press Ctrl-C again to exit');
    expect(shell.controller.isDone).toBe(false);
    shell.write('\x03');
    expect(await shell.controller.exited).toBe(0);
  });

  it('Ctrl-C then another key does not exit', async () => {
    shell = await mountShell();
    shell.write('\x03');
    await tick();
    shell.write('x');
    shell.write('\x03');
    await tick();
    expect(shell.controller.isDone).toBe(false);
  });

  it('Ctrl-D on an empty line exits; on text it deletes the character under the cursor', async () => {
    shell = await mountShell();
    shell.write('ab\x01\x04');
    await tick();
    expect(shell.controller.snapshot().line.text).toBe('b');
    shell.write('\x05\x15'); // End, Ctrl-U
    await tick();
    expect(shell.controller.isDone).toBe(false);
    shell.write('\x04');
    expect(await shell.controller.exited).toBe(0);
  });

  it('quit typed while a command runs exits at once, aborting it; in a paste it takes its turn', async () => {
    const slow = slowCommand();
    shell = await mountShell({ commands: [slow.spec] });
    await shell.type('slow');
    await shell.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow/);
    await shell.type('quit');
    expect(await shell.controller.exited).toBe(0);
    expect(slow.aborted()).toBe(true);
    shell.unmount();
    shell = await mountShell();
    shell.write('version\rexit\rstats\r');
    expect(await shell.controller.exited).toBe(0);
    expect(shell.frame()).toContain(`version: tgsh ${V}`);
    expect(shell.frame()).not.toContain('> stats');
  });

  it('quit exits at once; safe_quit after the lines before it', async () => {
    shell = await mountShell();
    await shell.type('quit');
    expect(await shell.controller.exited).toBe(0);
    shell.unmount();
    const slow = slowCommand();
    shell = await mountShell({ commands: [slow.spec] });
    shell.write('slow\rsafe_quit\r');
    await shell.waitFor('queued: safe_quit');
    expect(shell.controller.isDone).toBe(false);
    slow.open();
    expect(await shell.controller.exited).toBe(0);
    expect(shell.frame()).toContain('slow done');
  });
});

describe('interactive shell: type-ahead, spinner, Ctrl-C on a running command', () => {
  it('queues lines typed while a command runs and runs them in order', async () => {
    const slow = slowCommand();
    shell = await mountShell({ commands: [slow.spec] });
    await shell.type('slow first');
    await shell.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow first/);
    await shell.type('version');
    await shell.type('stats');
    const waiting = await shell.waitFor('queued: stats');
    expect(waiting).toContain('queued: version');
    expect(waiting).not.toContain(`version: tgsh`);
    expect(shell.promptLine()).toBe('>'); // the prompt stays free for more typing
    slow.open();
    const f = await shell.waitFor('mode: interactive');
    const s = indexOfLine(f, '> slow first');
    expect(f.split('\n')[s + 1]).toBe('slow first done');
    expect(indexOfLine(f, '> version')).toBeGreaterThan(s);
    expect(indexOfLine(f, '> stats')).toBeGreaterThan(indexOfLine(f, '> version'));
    expect(f).not.toContain('queued:');
  });

  it('Ctrl-C aborts the running command through its signal and drops the queue', async () => {
    const slow = slowCommand();
    shell = await mountShell({ commands: [slow.spec] });
    await shell.type('slow');
    await shell.type('version');
    await shell.waitFor('queued: version');
    shell.write('\x03');
    const f = await shell.waitFor('FAIL: 22: stopped');
    expect(slow.aborted()).toBe(true);
    expect(f).toContain('(1 queued line dropped)');
    expect(f).not.toContain('> version');
    expect(shell.controller.isDone).toBe(false);
  });

  it('Ctrl-D waits for pending work, then exits', async () => {
    const slow = slowCommand();
    shell = await mountShell({ commands: [slow.spec] });
    await shell.type('slow');
    await shell.type('version');
    shell.write('\x04');
    await shell.waitFor('exiting once 2 pending lines have finished');
    expect(shell.controller.isDone).toBe(false);
    slow.open();
    expect(await shell.controller.exited).toBe(0);
    expect(shell.frame()).toContain(`version: tgsh ${V}`);
  });
});

describe('interactive shell: long sessions', () => {
  it('starts <Static> afresh every N items without losing or repeating a line', async () => {
    shell = await mountShell({ controller: { itemsPerEpoch: 3 } });
    for (let i = 1; i <= 6; i++) {
      shell.controller.print(`event ${i}`);
      if (i % 2 === 0) await tick();
    }
    await shell.type('version');
    const f = await shell.waitFor(`version: tgsh ${V}`);
    expect(shell.controller.snapshot().epoch).toBeGreaterThan(0);
    const lines = f.split('\n');
    const events = lines.filter((l) => l.startsWith('event '));
    expect(events).toEqual(['event 1', 'event 2', 'event 3', 'event 4', 'event 5', 'event 6']);
  });
});

describe('interactive shell: questions and live events', () => {
  it('asks with the prompt; a hidden answer shows no characters', async () => {
    shell = await mountShell({ commands: [login] });
    shell.write('draft');
    await tick();
    shell.write('\x15');
    await shell.type('login');
    await shell.waitFor(/^code:\s*$/m);
    await shell.type('12345');
    await shell.waitFor(/^password:\s*$/m);
    shell.write('hunter2secret');
    await tick();
    expect(shell.frame()).not.toContain('hunter2');
    expect(shell.promptLine().trim()).toBe('password:');
    shell.write('\r');
    const f = await shell.waitFor('password_length: 13');
    expect(f).toContain('code: 12345');
    expect(f).not.toContain('hunter2');
    expect(shell.promptLine()).toBe('>');
  });

  it('Ctrl-C cancels a question and the command answers a FAIL', async () => {
    shell = await mountShell({ commands: [login] });
    await shell.type('login');
    await shell.waitFor(/^code:\s*$/m);
    shell.write('12\x03');
    const f = await shell.waitFor("FAIL: 22: cancelled: no answer to 'code'");
    expect(f).toContain('code: ^C');
    expect(shell.controller.isDone).toBe(false);
    expect(shell.promptLine()).toBe('>');
  });

  it('keeps what was typed ahead while a question is answered', async () => {
    const slow = slowCommand();
    shell = await mountShell({ commands: [login, slow.spec] });
    await shell.type('slow');
    await shell.type('login');
    shell.write('half typed');
    await tick();
    slow.open();
    await shell.waitFor(/^code:\s*$/m);
    await shell.type('7');
    await shell.waitFor(/^password:\s*$/m);
    await shell.type('pw');
    await shell.waitFor('password_length: 2');
    expect(shell.promptLine()).toBe('> half typed');
  });

  it('print() puts a line above the prompt without breaking the line being edited', async () => {
    shell = await mountShell();
    shell.write('vers');
    await tick();
    shell.controller.print('<<< @alice: hello');
    const f = await shell.waitFor('@alice: hello');
    expect(indexOfLine(f, '<<< @alice: hello')).toBeLessThan(f.split('\n').length - 1);
    expect(shell.promptLine()).toBe('> vers');
    shell.write('ion\r');
    await shell.waitFor(`version: tgsh ${V}`);
  });

  it('print() drops incoming events under -D but keeps status lines', async () => {
    shell = await mountShell({ config: { quiet: true } });
    shell.controller.print('an event');
    shell.controller.print('a status', 'status');
    await shell.waitFor('a status');
    expect(shell.frame()).not.toContain('an event');
  });

  it('shows control bytes from outside harmlessly', async () => {
    shell = await mountShell();
    shell.controller.print('evil\x1b]0;title\x07 name\x1b[2J\x07');
    const f = await shell.waitFor('evil');
    expect(f).toContain('evil name␇');
  });
});
