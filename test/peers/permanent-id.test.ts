import { describe, expect, it } from 'vitest';
import { decodePermanentId, encodePermanentId } from '../../src/peers/permanent-id.js';
import { parsePeerRef, splitBotApiChatId, usernameFromInput } from '../../src/peers/ref.js';
import { botApiChatIdOf } from '../../src/peers/types.js';

describe('permanent ids', () => {
  it("round-trips telegram-cli's test vector", () => {
    const id = encodePermanentId({ type: 'user', id: 191322468, accessHash: 596679014459359234n });
    expect(id).toBe('$010000006459670b02c0c7fd66d44708');
    expect(decodePermanentId(id)).toEqual({ type: 'user', id: 191322468, accessHash: 596679014459359234n });
  });

  it('accepts upper-case hex', () => {
    expect(decodePermanentId('$010000006459670B02C0C7FD66D44708')).toEqual({ type: 'user', id: 191322468, accessHash: 596679014459359234n });
  });

  it('uses the 48-hex form only for ids beyond int32', () => {
    expect(encodePermanentId({ type: 'channel', id: 0x7fffffff, accessHash: 1n })).toHaveLength(33);
    const big = encodePermanentId({ type: 'user', id: 6123456789, accessHash: -9223372036854775807n });
    expect(big).toBe('$01000000000000001589fc6c010000000100000000000080');
    expect(decodePermanentId(big)).toEqual({ type: 'user', id: 6123456789, accessHash: -9223372036854775807n });
  });

  it('keeps negative and extreme access hashes exact', () => {
    for (const h of [0n, -1n, 9223372036854775807n, -9223372036854775808n, 8070450532247928832n]) {
      for (const id of [1, 2147483647, 2147483648, 9007199254740991]) {
        const d = decodePermanentId(encodePermanentId({ type: 'channel', id, accessHash: h }));
        expect(d).toEqual({ type: 'channel', id, accessHash: h });
      }
    }
  });

  it('encodes each peer type code', () => {
    expect(encodePermanentId({ type: 'chat', id: 4567, accessHash: 0n }).slice(1, 9)).toBe('02000000');
    expect(encodePermanentId({ type: 'encr_chat', id: 1, accessHash: 0n }).slice(1, 9)).toBe('04000000');
    expect(encodePermanentId({ type: 'channel', id: 1, accessHash: 0n }).slice(1, 9)).toBe('05000000');
  });

  it('refuses malformed ids with a reason', () => {
    expect(decodePermanentId('$0100')).toBeNull();
    expect(decodePermanentId('010000006459670b02c0c7fd66d44708')).toBeNull();
    expect(decodePermanentId('$030000006459670b02c0c7fd66d44708')).toEqual({ error: 'unknown peer type 3 in permanent id' });
    expect(decodePermanentId('$01000000ffffffff02c0c7fd66d44708')).toEqual({ error: 'peer id must be positive in permanent id' });
    expect(decodePermanentId('$010000000100000015' + '89fc6c0100000001000000000000' + '80')).toEqual({ error: 'malformed long permanent id (bytes 4-7 must be zero)' });
  });
});

describe('peer references', () => {
  it('maps Bot API ids both ways', () => {
    expect(botApiChatIdOf('user', 191322468)).toBe(191322468);
    expect(botApiChatIdOf('chat', 4567)).toBe(-4567);
    expect(botApiChatIdOf('supergroup', 1234567890)).toBe(-1001234567890);
    expect(splitBotApiChatId(-1001234567890)).toEqual({ type: 'channel', id: 1234567890 });
    expect(splitBotApiChatId(-4567)).toEqual({ type: 'chat', id: 4567 });
    expect(splitBotApiChatId(6123456789)).toEqual({ type: 'user', id: 6123456789 });
  });

  it('reads usernames typed every way', () => {
    expect(usernameFromInput('example_user')).toBe('example_user');
    expect(usernameFromInput('@example_user')).toBe('example_user');
    expect(usernameFromInput('https://t.me/example_user')).toBe('example_user');
    expect(usernameFromInput('t.me/example_user/')).toBe('example_user');
    expect(usernameFromInput('https://example_user.t.me')).toBe('example_user');
    expect(usernameFromInput('tg://resolve?domain=example_user')).toBe('example_user');
    expect(parsePeerRef('tg://resolve?domain=example_user&start=x')).toMatchObject({ ok: true, ref: { kind: 'username', username: 'example_user' } });
    expect(parsePeerRef('example_user.t.me')).toMatchObject({ ok: true, ref: { kind: 'username', username: 'example_user' } });
    expect(usernameFromInput('bad-name')).toBeNull();
  });

  it('tells the reference kinds apart', () => {
    expect(parsePeerRef('secret_chat#3')).toMatchObject({ ok: true, ref: { kind: 'typed', type: 'encr_chat', id: 3 } });
    expect(parsePeerRef('user#0')).toMatchObject({ ok: false });
    expect(parsePeerRef('0')).toMatchObject({ ok: false });
    expect(parsePeerRef('Émile_Zola')).toMatchObject({ ok: true, ref: { kind: 'print_name', name: 'Émile_Zola' } });
    expect(parsePeerRef('')).toMatchObject({ ok: false });
  });
});
