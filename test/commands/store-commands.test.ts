// The peer store's commands through the executor (text and JSON answers, as scripts read them),
// Services' store integration, and a run of the built binary.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/cli/config.js';
import { commandRegistry } from '../../src/commands/registry.js';
import { Executor } from '../../src/commands/executor.js';
import { Services } from '../../src/session/services.js';
import { formatResult } from '../../src/output/format.js';
import { runTgsh, ROOT } from '../helpers/cli.js';
import { readStoreFile } from '../store/helpers.js';

const HOUR = 3600_000;
const roots: string[] = [];
const open: Services[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

interface Shell {
  services: Services;
  notices: string[];
  /** stdout and stderr of one line, as pipe mode would print them. */
  run(line: string): Promise<{ out: string; err: string }>;
  /** The JSON answers of one line. */
  json(line: string): Promise<unknown[]>;
}

function shell(root?: string): Shell {
  const dir = root ?? mkdtempSync(join(tmpdir(), 'tgsh-cmd-'));
  if (!root) roots.push(dir);
  const cli = parseCli(['--config-dir', dir]);
  if (!cli.ok) throw new Error(cli.error);
  const resolved = resolveConfig(cli.options, {}, false);
  if (!resolved.ok) throw new Error(resolved.error);
  const config = resolved.config;
  const services = new Services(config);
  open.push(services);
  const notices: string[] = [];
  const executor = new Executor({ config, services, registry: commandRegistry(), mode: 'exec', notice: (t) => notices.push(t) });
  const answers = async (line: string, json: boolean): Promise<{ out: string; err: string }> => {
    let out = '';
    let err = '';
    for (const r of await executor.run(line)) {
      const a = formatResult(r, { json, color: false, tty: false });
      out += a.stdout;
      err += a.stderr;
    }
    return { out, err };
  };
  return {
    services,
    notices,
    run: (line) => answers(line, false),
    json: async (line) => (await answers(line, true)).out.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown),
  };
}

async function seeded(): Promise<Shell> {
  const sh = shell();
  const store = await sh.services.store();
  const now = Date.now();
  store.upsert({ kind: 'user', id: 191322468, accessHash: '596679014459359234', firstName: 'Example', lastName: 'User', usernames: ['example_user', 'ex2', 'ex3'], phone: '15551234' }, 'mtproto');
  store.upsert({ kind: 'bot', id: 555, firstName: 'Helper', username: 'helper_bot', at: now - 1000 }, 'botapi');
  store.setConsent({ kind: 'bot', id: 555 }, 'started', { payload: 'ref42' });
  store.upsert({ kind: 'user', id: 7, firstName: 'John', lastName: 'Smith', at: now - 2000 }, 'botapi');
  store.upsert({ kind: 'user', id: 8, firstName: 'John', lastName: 'Smith', at: now - 3000 }, 'botapi');
  store.upsert({ kind: 'supergroup', id: 1234, accessHash: '-42', title: 'Big Group', usernames: ['biggroup'], members: 42, at: now - 4000 }, 'mtproto');
  store.upsert({ kind: 'chat', id: 99, title: 'Small chat', members: 3, at: now - 5000 }, 'botapi');
  store.setMembership({ kind: 'chat', id: 99 }, 'administrator');
  await store.flush();
  return sh;
}

describe('contact_list', () => {
  it('lists users and bots with their consent, in text and JSON', async () => {
    const sh = await seeded();
    expect((await sh.run('contact_list')).out).toBe(['Example User\t@example_user\tunknown', 'Helper\t@helper_bot\tstarted', 'John Smith\t\tunknown', 'John Smith\t\tunknown', ''].join('\n'));
    const [list] = (await sh.json('contact_list')) as [Array<Record<string, unknown>>];
    expect(list.map((p) => p.print_name)).toEqual(['Example_User', 'Helper', 'John_Smith', 'John_Smith#1']);
    expect(list[0]).toEqual({
      id: '$010000006459670b02c0c7fd66d44708',
      peer_type: 'user',
      peer_id: 191322468,
      print_name: 'Example_User',
      flags: 1,
      first_name: 'Example',
      last_name: 'User',
      phone: '15551234',
      username: 'example_user',
    });
    expect(list[1]).toMatchObject({ print_name: 'Helper', flags: 1 | (1 << 20), consent: 'started' });
  });

  it('is an empty answer on an empty store', async () => {
    const sh = shell();
    expect((await sh.run('contact_list')).out).toBe('');
    expect(await sh.json('contact_list')).toEqual([[]]);
  });
});

describe('dialog_list', () => {
  it("lists the bot's chats (not peers only looked up over MTProto), most recent first, with limit and offset", async () => {
    const sh = await seeded();
    expect((await sh.run('dialog_list')).out).toBe(['User Helper: 0 unread', 'User John Smith: 0 unread', 'User John Smith: 0 unread', 'Chat Small chat: 0 unread', ''].join('\n'));
    expect((await sh.run('dialog_list 2 1')).out).toBe('User John Smith: 0 unread\nUser John Smith: 0 unread\n');
    const [list] = (await sh.json('dialog_list 1 3')) as [Array<Record<string, unknown>>];
    expect(list).toEqual([{ id: '$02000000630000000000000000000000', peer_type: 'chat', peer_id: 99, print_name: 'Small_chat', flags: 1, title: 'Small chat', members_num: 3 }]);
    expect((await sh.run('dialog_list -1')).out).toBe('FAIL: 22: limit must be 0 or more\n');
  });
});

describe('user_info, chat_info, channel_info', () => {
  it('answer from the store in telegram-cli\'s form, with [offline] too', async () => {
    const sh = await seeded();
    const expected = 'User Example User @example_user (#191322468):\n\tphone: 15551234\n\tusernames: @example_user @ex2 @ex3\n';
    expect((await sh.run('user_info @example_user')).out).toBe(expected);
    expect((await sh.run('[offline] user_info @EX3')).out).toBe(expected);
    expect((await sh.run('user_info Example_User')).out).toBe(expected);
    expect((await sh.run('user_info user#191322468')).out).toBe(expected);
    expect((await sh.run('user_info 191322468')).out).toBe(expected);
    expect((await sh.run('user_info $010000006459670b02c0c7fd66d44708')).out).toBe(expected);
    expect((await sh.run('user_info John_Smith#1')).out).toBe('User John Smith (#8):\n');
    expect((await sh.run('user_info @helper_bot')).out).toBe("User Helper @helper_bot (#555):\n\tbot\n\tconsent: started (start payload 'ref42')\n");
    expect((await sh.run('channel_info @biggroup')).out).toBe('Channel Big Group @biggroup (#1234):\n\tparticipants: 42\n');
    expect((await sh.run('chat_info Small_chat')).out).toBe('Chat Small chat (#99):\n\tmembers: 3\n\tbot membership: administrator\n');
    expect(await sh.json('user_info @ex2')).toEqual([
      { user: { id: '$010000006459670b02c0c7fd66d44708', peer_type: 'user', peer_id: 191322468, print_name: 'Example_User', flags: 1, first_name: 'Example', last_name: 'User', phone: '15551234', username: 'example_user' } },
    ]);
    expect(await sh.json('channel_info -1000000001234')).toEqual([
      { channel: { id: '$05000000d2040000d6ffffffffffffff', peer_type: 'channel', peer_id: 1234, print_name: 'Big_Group', flags: 1 | (1 << 19), title: 'Big Group', participants_count: 42, username: 'biggroup' } },
    ]);
  });

  it('a permanent id of a peer never seen still answers (it carries the access hash)', async () => {
    const sh = await seeded();
    expect((await sh.run('user_info $01000000090000000500000000000000')).out).toBe('User user#9 (#9):\n');
    expect(await sh.json('user_info $01000000090000000500000000000000')).toEqual([{ user: { id: '$01000000090000000500000000000000', peer_type: 'user', peer_id: 9, print_name: 'user#9' } }]);
  });

  it('an unknown peer is one clear FAIL, with what to do next', async () => {
    const sh = await seeded();
    expect(await sh.run('user_info @nobody')).toEqual({ out: "FAIL: 22: unknown peer '@nobody'\n", err: "run 'resolve_username nobody' to look it up, or 'sync' to load the dialogs\n" });
    expect(await sh.json('user_info @nobody')).toEqual([
      { result: 'FAIL', error_code: 22, error: "unknown peer '@nobody'", hint: "run 'resolve_username nobody' to look it up, or 'sync' to load the dialogs" },
    ]);
    expect((await sh.run('user_info user#404')).out).toBe("FAIL: 22: unknown peer 'user#404'\n");
    expect((await sh.run('user_info example_user')).err).toBe("print names are case-sensitive: did you mean 'Example_User'?\n");
    expect((await sh.run('user_info EX2')).err).toBe("did you mean '@ex2'?\n");
    expect(await sh.run('user_info @biggroup')).toEqual({ out: "FAIL: 22: '@biggroup' is a channel, not a user\n", err: 'use channel_info for it\n' });
    expect((await sh.run('chat_info channel#1234')).out).toBe("FAIL: 38: can not parse arg #1: 'channel#1234' is a channel, not a chat\n");
  });

  it('a username mapping older than the TTL is used with a warning', async () => {
    const sh = shell();
    const store = await sh.services.store();
    store.upsert({ kind: 'user', id: 1, firstName: 'Old', usernames: ['oldname'], at: Date.now() - 50 * HOUR }, 'mtproto');
    expect((await sh.run('[offline] user_info @oldname')).out).toBe('User Old @oldname (#1):\n');
    expect(sh.notices).toEqual(['tgsh: @oldname -> Old is last confirmed 2 days ago; the username may have changed hands']);
  });
});

describe('forget', () => {
  it('removes the peer; the answer comes after the change is on disk', async () => {
    const sh = await seeded();
    const file = sh.services.paths.peers;
    expect(await sh.json('forget @helper_bot')).toEqual([{ result: 'SUCCESS', forgotten: 'Helper' }]);
    expect(readStoreFile(file).peers['user:555']).toBeUndefined();
    expect((await sh.run('user_info @helper_bot')).out).toBe("FAIL: 22: unknown peer '@helper_bot'\n");
    expect((await sh.run('forget John_Smith')).out).toBe('SUCCESS\n');
    expect((await sh.run('forget John_Smith')).out).toBe("FAIL: 22: unknown peer 'John_Smith'\n");
    expect((await sh.run('forget $01000000090000000500000000000000')).out).toBe("FAIL: 22: unknown peer '$01000000090000000500000000000000'\n");
    // A fresh process does not know it either.
    const other = shell(join(sh.services.config.configDir));
    expect((await other.run('user_info @helper_bot')).out).toBe("FAIL: 22: unknown peer '@helper_bot'\n");
  });
});

describe('purge', () => {
  it('lists (dry run) or removes users with no interaction for N days; N defaults to the setting', async () => {
    const sh = shell();
    const store = await sh.services.store();
    const now = Date.now();
    store.upsert({ kind: 'user', id: 1, firstName: 'Ancient', at: now - 400 * 24 * HOUR }, 'botapi');
    store.upsert({ kind: 'user', id: 2, firstName: 'Month', at: now - 40 * 24 * HOUR }, 'botapi');
    store.upsert({ kind: 'user', id: 3, firstName: 'Today', interaction: true }, 'botapi');
    store.upsert({ kind: 'chat', id: 4, title: 'Old chat', at: now - 400 * 24 * HOUR }, 'botapi');
    expect((await sh.run('purge --dry-run --inactive-days 30')).out).toBe('would purge 2 peers inactive for 30 days: Ancient Month\n');
    expect(store.size).toBe(4);
    expect(await sh.json('purge')).toEqual([{ purged: 1, inactive_days: 180, dry_run: false, peers: ['Ancient'], broadcasts: [] }]);
    expect(await sh.json('purge --inactive-days=30')).toEqual([{ purged: 1, inactive_days: 30, dry_run: false, peers: ['Month'], broadcasts: [] }]);
    expect(Object.keys(readStoreFile(sh.services.paths.peers).peers).sort()).toEqual(['chat:4', 'user:3']);
    expect((await sh.run('purge --inactive-days 0')).out).toBe('FAIL: 22: --inactive-days must be above 0\n');
  });

  it('removes broadcast journals last written over N days ago, never a running one', async () => {
    const sh = shell();
    const dir = sh.services.paths.journals;
    mkdirSync(dir, { recursive: true });
    const old = new Date(Date.now() - 40 * 24 * HOUR);
    const journal = (id: string, written: Date) => {
      writeFileSync(join(dir, `${id}.jsonl`), '{}\n');
      utimesSync(join(dir, `${id}.jsonl`), written, written);
    };
    journal('20250101-120000-aaaa', old);
    journal('20250102-120000-bbbb', new Date());
    journal('20250103-120000-cccc', old);
    writeFileSync(join(dir, '20250103-120000-cccc.lock'), String(process.pid)); // running: this process holds it
    writeFileSync(join(dir, '20250101-120000-aaaa.lock'), '999999999'); // a dead process's lock
    expect((await sh.run('purge --dry-run --inactive-days 30')).out).toBe(
      'would purge 0 peers inactive for 30 days\nwould remove 1 broadcast journal last written over 30 days ago: 20250101-120000-aaaa\n',
    );
    expect(existsSync(join(dir, '20250101-120000-aaaa.jsonl'))).toBe(true);
    expect(await sh.json('purge --inactive-days 30')).toEqual([{ purged: 0, inactive_days: 30, dry_run: false, peers: [], broadcasts: ['20250101-120000-aaaa'] }]);
    expect(readdirSync(dir).sort()).toEqual(['20250102-120000-bbbb.jsonl', '20250103-120000-cccc.jsonl', '20250103-120000-cccc.lock']);
    expect((await sh.run('broadcast --list')).out).not.toContain('aaaa');
  });
});

describe('export and import', () => {
  it('export writes a versioned document to stdout (text: indented; --json: one line)', async () => {
    const sh = await seeded();
    const text = (await sh.run('export')).out;
    const doc = JSON.parse(text) as { format: string; version: number; count: number; peers: Array<{ printName: string }> };
    expect(doc).toMatchObject({ format: 'tgsh-export', version: 1, peer_schema: 2, count: 6 });
    expect(doc.peers.map((p) => p.printName)).toEqual(['John_Smith', 'John_Smith#1', 'Helper', 'Example_User', 'Small_chat', 'Big_Group']);
    expect(text.split('\n').length).toBeGreaterThan(20);
    const [same] = await sh.json('export -');
    expect(same).toMatchObject({ format: 'tgsh-export', count: 6 });
  });

  it('export FILE writes a 0600 file without credentials; import merges it into another profile', async () => {
    const sh = await seeded();
    const store = await sh.services.store();
    await store.credentials.setBotToken('123456:AAsecretTOKENvalue');
    await store.credentials.setSession('telegram', 'SESSION-ABC');
    const dir = mkdtempSync(join(tmpdir(), 'tgsh-export-'));
    roots.push(dir);
    const file = join(dir, 'peers-export.json');
    expect(await sh.json(`export ${file}`)).toEqual([{ result: 'SUCCESS', exported: 6, file }]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    for (const secret of ['AAsecretTOKENvalue', 'SESSION-ABC']) expect(text).not.toContain(secret);

    const other = shell();
    const os = await other.services.store();
    // The other profile already knows one of them, under another print name, and a namesake.
    os.upsert({ kind: 'user', id: 7, firstName: 'John', lastName: 'Smith', usernames: ['johnny'] }, 'mtproto');
    os.upsert({ kind: 'user', id: 70, firstName: 'Example', lastName: 'User' }, 'mtproto');
    expect(await other.json(`import ${file}`)).toEqual([{ result: 'SUCCESS', added: 5, updated: 1, unchanged: 0 }]);
    expect(os.get('user', 7)?.printName).toBe('John_Smith'); // kept
    expect(os.get('user', 7)?.usernames).toEqual(['johnny']);
    expect(os.get('user', 191322468)?.printName).toBe('Example_User#1'); // taken here: a free one
    expect(os.byUsername('ex3')?.id).toBe(191322468);
    expect(os.get('user', 555)?.consent).toMatchObject({ state: 'started', payload: 'ref42' });
    expect(os.get('channel', 1234)?.accessHash).toBe('-42');
    expect(os.get('user', 191322468)?.sources).toEqual(['mtproto', 'import']);
    // On disk after the command, like every command's changes.
    expect(Object.keys(readStoreFile(other.services.paths.peers).peers)).toHaveLength(7);
    // Importing again changes nothing.
    expect(await other.json(`import ${file}`)).toEqual([{ result: 'SUCCESS', added: 0, updated: 0, unchanged: 6 }]);
    expect(os.credentials.botToken()).toBeUndefined();
  });

  it('import refuses a missing file (FAIL 2), non-JSON and invalid documents (FAIL 22), changing nothing', async () => {
    const sh = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'tgsh-import-'));
    roots.push(dir);
    expect((await sh.run(`import ${join(dir, 'missing.json')}`)).out).toBe(`FAIL: 2: no such file '${join(dir, 'missing.json')}'\n`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "tgsh-export", ');
    expect((await sh.run(`import ${bad}`)).out).toMatch(/^FAIL: 22: import: '.*bad\.json' is not JSON \(/);
    writeFileSync(bad, JSON.stringify({ hello: 1 }));
    expect((await sh.run(`import ${bad}`)).out).toBe('FAIL: 22: import: not a tgsh export (format null)\n');
    writeFileSync(bad, JSON.stringify({ format: 'tgsh-export', version: 9, peers: [] }));
    expect((await sh.run(`import ${bad}`)).out).toBe('FAIL: 22: import: export version 9 is newer than this tgsh reads (1)\n');
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'tgsh-export',
        version: 1,
        peers: [
          { kind: 'user', id: 1000, firstName: 'Fine' },
          { kind: 'user', id: -3 },
          { kind: 'user', id: 5, accessHash: 'abc' },
          { kind: 'user', id: 6, usernames: ['has space'] },
        ],
      }),
    );
    const r = await sh.run(`import ${bad}`);
    expect(r.out).toBe(
      'FAIL: 22: import: 3 invalid peer(s): peer #2: "id" must be a positive integer; peer #3: "accessHash": access hash \'abc\' is not a decimal integer; peer #4: "usernames" must be a list of usernames\n',
    );
    // Other bots' consents each name their bot.
    writeFileSync(bad, JSON.stringify({ format: 'tgsh-export', version: 1, peers: [{ kind: 'user', id: 7, otherConsents: [{ state: 'started', at: 1 }] }] }));
    expect((await sh.run(`import ${bad}`)).out).toBe('FAIL: 22: import: 1 invalid peer(s): peer #1: "otherConsents" must be a list of consents, each with its bot\n');
    expect(r.err).toBe("import takes a file written by 'export'\n");
    expect((await sh.services.store()).get('user', 1000)).toBeUndefined();
    expect((await sh.run(`import ${dir}`)).out).toBe(`FAIL: 22: '${dir}' is a directory\n`);
  });

  it('export to a folder that does not exist is FAIL 2', async () => {
    const sh = await seeded();
    expect((await sh.run('export /nonexistent-dir-tgsh/x.json')).out).toBe("FAIL: 2: no such directory for '/nonexistent-dir-tgsh/x.json'\n");
  });
});

describe('Services and the store', () => {
  it('opens the store on first use only, flushes after each command, closes with the services', async () => {
    const sh = shell();
    expect(sh.services.openStore()).toBeUndefined();
    expect(sh.services.identity()).toBeUndefined();
    expect(sh.services.peerCompletions('a')).toEqual([]);
    await sh.run('version');
    expect(sh.services.openStore()).toBeUndefined();
    expect(existsSync(sh.services.paths.dir)).toBe(false);
    await sh.run('contact_list');
    const store = sh.services.openStore()!;
    expect(store).toBeDefined();
    expect(await sh.services.store()).toBe(store); // one store per Services
    store.upsert({ kind: 'user', id: 1, firstName: 'Alice', usernames: ['alice'] }, 'mtproto');
    await sh.services.afterCommand();
    expect(readStoreFile(sh.services.paths.peers).peers['user:1']).toBeDefined();
    expect(sh.services.peerCompletions('@al')).toEqual(['@alice']);
    expect(sh.services.peerCompletions('Al')).toEqual(['Alice', '@alice']);
    expect(sh.services.isKnownPeer('Alice')).toBe(true);
    await store.credentials.setIdentity({ kind: 'bot', id: 42, username: 'my_bot', first_name: 'My bot', at: 1 });
    expect(sh.services.identity()).toBe('My bot @my_bot (bot #42)');
    expect((await sh.run('stats')).out).toContain('logged_in\tMy bot @my_bot (bot #42)');
    store.upsert({ kind: 'user', id: 2, firstName: 'Bob' }, 'mtproto');
    await sh.services.close();
    expect(readStoreFile(sh.services.paths.peers).peers['user:2']).toBeDefined();
  });

  it('the parser tells print names from text in repeated peer arguments through the open store', async () => {
    const sh = shell();
    const store = await sh.services.store();
    store.upsert({ kind: 'user', id: 1, firstName: 'Alice' }, 'mtproto');
    store.upsert({ kind: 'user', id: 2, firstName: 'Carol' }, 'mtproto');
    const seen: unknown[] = [];
    const multi = {
      name: 'multi',
      group: 'shell' as const,
      summary: 'test',
      args: [
        { name: 'peers', kind: 'peer' as const, repeat: true },
        { name: 'text', kind: 'string_end' as const },
      ],
      run(_ctx: unknown, input: { args: Record<string, unknown> }) {
        seen.push(input.args);
        return { kind: 'success' as const };
      },
    };
    const { Registry } = await import('../../src/commands/registry.js');
    const executor = new Executor({ config: sh.services.config, services: sh.services, registry: new Registry([multi]), mode: 'exec', notice: () => {} });
    await executor.run('multi Alice Carol Dave hello');
    expect(seen[0]).toEqual({ peers: [expect.objectContaining({ name: 'Alice' }), expect.objectContaining({ name: 'Carol' })], text: 'Dave hello' });
  });

  it('a profile folder that cannot be made is one clear FAIL, and the next command tries again', async () => {
    const sh = shell();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(sh.services.paths.dir, '..'), { recursive: true });
    writeFileSync(sh.services.paths.dir, 'a file where the profile folder should be');
    const r = await sh.json('contact_list');
    expect(r).toEqual([{ result: 'FAIL', error_code: 500, error: expect.stringMatching(/^can not open the peer store .*peers\.json: /), hint: expect.stringContaining('is a folder you can write') }]);
    rmSync(sh.services.paths.dir);
    expect(await sh.json('contact_list')).toEqual([[]]);
  });

  it('a corrupt store is reported through the command\'s notice', async () => {
    const sh = shell();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sh.services.paths.dir, { recursive: true });
    writeFileSync(sh.services.paths.peers, 'not json');
    expect((await sh.run('contact_list')).out).toBe('');
    expect(sh.notices).toHaveLength(1);
    expect(sh.notices[0]).toMatch(new RegExp(`${sh.services.paths.peers.replace(/[.]/g, '\\.')}.*moved to .*peers\\.json\\.corrupt-`));
  });
});

describe('through the built binary', () => {
  it('remembers peers between runs, and `-e help` never loads conf', async () => {
    if (!existsSync(join(ROOT, 'dist', 'commands', 'contact-list.js'))) return; // built by `npm test`
    const home = mkdtempSync(join(tmpdir(), 'tgsh-bin-'));
    roots.push(home);
    const exportFile = join(home, 'in.json');
    writeFileSync(exportFile, JSON.stringify({ format: 'tgsh-export', version: 1, peers: [{ kind: 'user', id: 191322468, accessHash: '596679014459359234', firstName: 'Example', usernames: ['example_user'] }] }));
    const a = await runTgsh(['-e', `import ${exportFile}`], { home });
    expect(a.stdout).toBe('SUCCESS\n');
    const b = await runTgsh(['--json', '-e', 'user_info @example_user'], { home });
    expect(JSON.parse(b.stdout)).toMatchObject({ user: { id: '$010000006459670b02c0c7fd66d44708', print_name: 'Example' } });
    const peersFile = join(home, 'profiles', 'default', 'peers.json');
    expect(statSync(peersFile).mode & 0o777).toBe(0o600);

    const trace = join(home, 'imports.txt');
    const hook = join(ROOT, 'test', 'store', 'fixtures', 'trace-imports.mjs');
    const c = await runTgsh(['-e', 'help'], { home, env: { NODE_OPTIONS: `--import=${hook}`, TGSH_TRACE_IMPORTS: trace } });
    expect(c.code).toBe(0);
    const loaded = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n') : [];
    expect(loaded).not.toContain('conf');
    expect(loaded).not.toContain('proper-lockfile');
    const d = await runTgsh(['-e', 'contact_list'], { home, env: { NODE_OPTIONS: `--import=${hook}`, TGSH_TRACE_IMPORTS: trace } });
    expect(d.stdout).toBe('Example\t@example_user\tunknown\n');
    // A command that only reads the store reads it with plain fs: conf is for writing.
    expect(existsSync(trace) ? readFileSync(trace, 'utf8').split('\n') : []).not.toContain('conf');
    const e = await runTgsh(['-e', 'forget @example_user'], { home, env: { NODE_OPTIONS: `--import=${hook}`, TGSH_TRACE_IMPORTS: trace } });
    expect(e.stdout).toBe('SUCCESS\n');
    expect(readFileSync(trace, 'utf8').split('\n')).toContain('conf'); // the hook works
  });
});
