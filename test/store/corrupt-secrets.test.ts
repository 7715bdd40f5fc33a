// A corrupt file is reported by its name, the fault's place and where it was moved: never with a
// piece of its content (JSON.parse's messages quote the text around the fault, and in
// credentials.json that text is a session string or a bot token).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerStore } from '../../src/store/peer-store.js';
import { jsonErrorOffset, jsonSyntaxProblem } from '../../src/core/json.js';
import { open, tempProfile, type TempProfile } from './helpers.js';
import { runTgsh, tempHome } from '../helpers/cli.js';

const profiles: TempProfile[] = [];
const stores: PeerStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const p of profiles.splice(0)) p.cleanup();
});

// Built at run time: no secret-shaped strings in the source.
const SESSION = ['1AgAJMTI3LjAuMC4x', 'QmFzZTY0U2Vzc2lvblNlY3JldA'].join('');
const TOKEN = ['7000000009', 'AAsecretTOKENvalueFromAnEarlierRun'].join(':');

/** credentials.json with a `"` replaced by `'` before the session value. */
const corrupt = (): string => `{\n  "schema": 1,\n  "bot_token": "${TOKEN}",\n  "sessions": {\n    "telegram": { "session": '${SESSION}", "saved_at": 1 }\n  }\n}\n`;

describe('a corrupt credentials file', () => {
  it('is moved aside with a notice that names the file and the place, and quotes nothing of it', async () => {
    const p = tempProfile();
    profiles.push(p);
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(p.paths.credentials, corrupt(), { mode: 0o600 });
    const s = await open(p);
    stores.push(s);
    expect(s.credentials.botToken()).toBeUndefined();
    const aside = readdirSync(p.dir).filter((n) => n.startsWith('credentials.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(p.notices).toEqual([
      `tgsh: the credentials file ${p.paths.credentials} could not be read (not valid JSON at line 5, column 30); it was moved to ${join(p.dir, aside[0]!)} and tgsh starts with empty credentials`,
    ]);
    const said = p.notices.join('\n');
    for (const piece of [SESSION.slice(0, 8), TOKEN.split(':')[1]!.slice(0, 8), '"session"', 'saved_at']) expect(said).not.toContain(piece);
  });

  it('the binary says the same on stderr, and nothing of the file anywhere', async () => {
    const home = tempHome();
    try {
      const dir = join(home.dir, 'profiles', 'default');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'credentials.json'), corrupt(), { mode: 0o600 });
      const r = await runTgsh(['-e', 'settings consent_policy', '-e', 'stats'], { home: home.dir });
      expect(r.stderr).toMatch(/^tgsh: the credentials file \S+credentials\.json could not be read \(not valid JSON at line 5, column 30\); it was moved to \S+credentials\.json\.corrupt-\d+T\d+Z and tgsh starts with empty credentials\n$/);
      for (const piece of [SESSION.slice(0, 8), TOKEN.split(':')[1]!.slice(0, 8)]) expect(r.stdout + r.stderr).not.toContain(piece);
    } finally {
      home.cleanup();
    }
  });
});

describe('other corrupt files', () => {
  it('settings.json and peers.json are reported the same way (place, not content)', async () => {
    const p = tempProfile();
    profiles.push(p);
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(p.paths.settings, '{"consent_policy": \'strict\'}');
    writeFileSync(p.paths.peers, '{"schema": 2, "peers": {"user:1": {"first_name": \'Private Name\'}}}');
    const s = await open(p);
    stores.push(s);
    const said = p.notices.join('\n');
    expect(said).toContain(`the settings file ${p.paths.settings} could not be read (not valid JSON at line 1, column 20)`);
    expect(said).toMatch(/peers\.json.*not valid JSON at line 1, column 50/);
    expect(said).not.toContain('strict');
    expect(said).not.toContain('Private Name');
  });
});

describe('jsonSyntaxProblem', () => {
  it('finds where JSON.parse fails, for every kind of fault', () => {
    const cases: Array<[string, string]> = [
      ['{"a": \'x\'}', 'not valid JSON at line 1, column 7'],
      ['{"a":1', 'not valid JSON: it ends too early'],
      ['', 'not valid JSON: it ends too early'],
      ['{a:1}', 'not valid JSON at line 1, column 2'],
      ['[1,]', 'not valid JSON at line 1, column 4'],
      ['{"a":"\n"}', 'not valid JSON at line 1, column 7'],
      ['{"a":1}x', 'not valid JSON at line 1, column 8'],
      ['\n\n  [01]', 'not valid JSON at line 3, column 5'],
      ['"\\q"', 'not valid JSON at line 1, column 3'],
      ['\ufeff{}', 'not valid JSON at line 1, column 1'],
    ];
    for (const [text, said] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonSyntaxProblem(text), JSON.stringify(text)).toBe(said);
    }
    for (const good of ['{"a":[1,2.5e-3,{"b":null}],"c":-0,"d":"\\u00e9\\n\\"","e":true,"f":false}', ' [] ', '"x"', '0']) {
      expect(jsonErrorOffset(good), good).toBeUndefined();
    }
  });
});
