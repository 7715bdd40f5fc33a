import { describe, expect, it } from 'vitest';
import { toJson } from '../../src/output/json.js';
import { formatResult } from '../../src/output/format.js';
import { peerObject } from '../../src/output/peer-object.js';
import { fail } from '../../src/commands/result.js';
import { type Result } from '../../src/commands/types.js';
import type { PeerRecord } from '../../src/peers/types.js';

const plain = { json: false, color: false, tty: false };
const tty = { json: false, color: false, tty: true };
const json = { json: true, color: false, tty: false };

const example: PeerRecord = {
  kind: 'user',
  id: 191322468,
  accessHash: '596679014459359234',
  firstName: 'Example',
  usernames: ['example_user'],
  printName: 'Example',
  sources: ['mtproto'],
  firstSeen: 0,
  lastSeen: 0,
};

describe('JSON in telegram-cli style', () => {
  it('separates with ": " and ", " and keeps key order', () => {
    expect(toJson({ result: 'SUCCESS' })).toBe('{"result": "SUCCESS"}');
    expect(toJson({ b: 1, a: [1, 'x', null, true], c: undefined })).toBe('{"b": 1, "a": [1, "x", null, true]}');
  });

  it('is never broken by any string', () => {
    const nasty = 'a\nb\r\u0000\u2028\u2029"\\\ud800 é 😀';
    const line = toJson({ error: nasty });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ error: nasty });
    // Nothing a terminal or a line splitter acts on is left raw: DEL, C1 (0x9b is CSI), U+2028/9.
    const raw = toJson({ t: 'a\u007f\u009b[2J\u2028b' });
    expect(raw).toBe('{"t": "a\\u007f\\u009b[2J\\u2028b"}');
    expect(JSON.parse(raw)).toEqual({ t: 'a\u007f\u009b[2J\u2028b' });
  });

  it('answers resolve_username example_user exactly as the seed shows', () => {
    const r: Result = { kind: 'peer', peer: example, view: 'name' };
    expect(formatResult(r, json).stdout).toBe(
      '{"user": {"id": "$010000006459670b02c0c7fd66d44708", "peer_type": "user", "peer_id": 191322468, "print_name": "Example", "flags": 1, "first_name": "Example", "username": "example_user"}}\n',
    );
    expect(formatResult(r, plain).stdout).toBe('Example\n');
  });

  it('prints a peer never seen with four keys', () => {
    const bare: PeerRecord = { kind: 'user', id: 42, usernames: [], printName: 'user#42', sources: [], firstSeen: 0, lastSeen: 0 };
    expect(toJson(peerObject(bare))).toBe('{"id": "$010000002a0000000000000000000000", "peer_type": "user", "peer_id": 42, "print_name": "user#42"}');
  });

  it('prints channels with their fields and the 48-hex id beyond int32', () => {
    const ch: PeerRecord = { kind: 'supergroup', id: 1234567890, accessHash: '-1', title: 'tgsh Community', usernames: ['tgsh_chat'], printName: 'tgsh_Community', members: 4, sources: ['mtproto'], firstSeen: 0, lastSeen: 0 };
    expect(toJson({ channel: peerObject(ch) })).toBe(
      '{"channel": {"id": "$05000000d2029649ffffffffffffffff", "peer_type": "channel", "peer_id": 1234567890, "print_name": "tgsh_Community", "flags": 524289, "title": "tgsh Community", "participants_count": 4, "username": "tgsh_chat"}}',
    );
    const big = peerObject({ ...example, id: 6123456789, accessHash: '-9223372036854775807' });
    expect(big.id).toBe('$01000000000000001589fc6c010000000100000000000080');
  });
});

describe('text answers', () => {
  it('show control characters visibly (a name or text must not drive the terminal); tabs and newlines stay', () => {
    const f = formatResult(fail(22, "'\u001b[31mred' is not allowed", { hint: 'bell\u0007' }), plain);
    expect(f.stdout).toBe("FAIL: 22: '^[[31mred' is not allowed\n");
    expect(f.stderr).toBe('bell^G\n');
    const sent: Result = {
      kind: 'sent',
      message: { messageId: 1, chatId: 1, date: Math.floor(Date.now() / 1000), out: true, chatName: 'Evil\rName', text: 'nul\u0000byte\tand\nnext \u009b2J \u007f' },
      part: 1,
      parts: 1,
    };
    expect(formatResult(sent, plain).stdout).toMatch(/ Evil\^MName <<< nul\^@byte\tand\nnext \\x9b2J \^\?\n$/);
    const clean: Result = { kind: 'peers', peers: [example], view: 'contacts' };
    expect(formatResult(clean, plain).stdout).toBe('Example\t@example_user\tunknown\n');
  });

  it('prints SUCCESS and FAIL lines', () => {
    expect(formatResult({ kind: 'success' }, plain).stdout).toBe('SUCCESS\n');
    expect(formatResult(fail(71, 'RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED'), plain).stdout).toBe('FAIL: 71: RPC_CALL_FAIL 400: USERNAME_NOT_OCCUPIED\n');
    expect(formatResult({ kind: 'success' }, json).stdout).toBe('{"result": "SUCCESS"}\n');
  });

  it('puts hints on stderr for scripts and under the answer on a terminal', () => {
    const f = fail(38, "can not find command 'mgs'", { hint: "did you mean 'msg'?" });
    expect(formatResult(f, plain)).toEqual({ stdout: "FAIL: 38: can not find command 'mgs'\n", stderr: "did you mean 'msg'?\n" });
    expect(formatResult(f, tty).stdout).toBe("FAIL: 38: can not find command 'mgs'\n  did you mean 'msg'?\n");
    expect(formatResult({ ...f, retryAfter: 30 }, json).stdout).toBe(
      '{"result": "FAIL", "error_code": 38, "error": "can not find command \'mgs\'", "retry_after": 30, "hint": "did you mean \'msg\'?"}\n',
    );
  });

  it("prints user_info in telegram-cli's form", () => {
    const p: PeerRecord = { ...example, lastName: 'User', phone: '15550001111', lastOnline: 1793494800 };
    expect(formatResult({ kind: 'peer', peer: p, view: 'info' }, plain).stdout).toBe(
      'User Example User @example_user (#191322468):\n\tphone: 15550001111\n\toffline (was online [2026/11/01 01:00:00])\n',
    );
  });

  it('colours only when asked', () => {
    expect(formatResult({ kind: 'success' }, { json: false, color: true, tty: true }).stdout).toBe('\x1b[32mSUCCESS\x1b[39m\n');
  });

  it('prints fields as tab-separated lines for scripts', () => {
    expect(formatResult({ kind: 'fields', fields: [['a', 'x'], ['b', 2]] }, plain).stdout).toBe('a\tx\nb\t2\n');
    expect(formatResult({ kind: 'fields', fields: [['a', 'x'], ['b', 2]] }, tty).stdout).toBe('a: x\nb: 2\n');
    expect(formatResult({ kind: 'fields', fields: [['a', 'x'], ['b', 2]] }, json).stdout).toBe('{"a": "x", "b": 2}\n');
  });
});
