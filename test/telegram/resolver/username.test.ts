// Telegram's username syntax, checked locally before any network call.
import { describe, expect, it } from 'vitest';
import { bareUsername, checkedUsername, usernameProblem } from '../../../src/telegram/resolver/username.js';
import { TgshError } from '../../../src/core/errors.js';

describe('username syntax', () => {
  it('takes name, @name and t.me links', () => {
    expect(bareUsername('example_user')).toBe('example_user');
    expect(bareUsername('@example_user')).toBe('example_user');
    expect(bareUsername('https://t.me/example_user')).toBe('example_user');
    expect(bareUsername('http://telegram.me/example_user/')).toBe('example_user');
    expect(bareUsername('t.me/tgsh_news?start=x')).toBe('tgsh_news');
    // A post link names its chat; t.me/s/ is a channel's preview page.
    expect(bareUsername('https://t.me/tgsh_news/123')).toBe('tgsh_news');
    expect(bareUsername('https://t.me/s/tgsh_news')).toBe('tgsh_news');
    // Subdomain links and the app's tg:// links.
    expect(bareUsername('https://example_user.t.me')).toBe('example_user');
    expect(bareUsername('tgsh_news.t.me/12')).toBe('tgsh_news');
    expect(bareUsername('tg://resolve?domain=example_user')).toBe('example_user');
    expect(bareUsername('tg://resolve?post=4&domain=tgsh_news&thread=1')).toBe('tgsh_news');
  });

  it('says what an invite link is instead of judging its characters', () => {
    for (const link of ['https://t.me/+AbCdEf123', 't.me/joinchat/AbCdEf']) {
      expect(() => checkedUsername(link)).toThrow(/an invite link .* names no username/);
    }
  });

  it('accepts what Telegram accepts, 4-character collectibles included', () => {
    for (const n of ['example_user', 'evee', 'A1234', 'a'.repeat(32), 'Tgsh_News_2']) expect(usernameProblem(n)).toBeUndefined();
  });

  it('names the rule a bad name breaks', () => {
    expect(usernameProblem('abc')).toBe('it has 3 characters; the minimum is 5 (4 for collectible names)');
    expect(usernameProblem('1abcde')).toBe('it must start with a letter');
    expect(usernameProblem('_abcde')).toBe('it must start with a letter');
    expect(usernameProblem('abcde_')).toBe('it must not end with _');
    expect(usernameProblem('ab-cde')).toBe("'-' is not allowed: only A-z, 0-9 and _");
    expect(usernameProblem('a'.repeat(33))).toBe('it has 33 characters; the maximum is 32');
    expect(usernameProblem('')).toBe('it is empty');
  });

  it('refuses with FAIL 22, quoting what was typed and the rules as the hint', () => {
    const e = (() => {
      try {
        checkedUsername('@1abcde');
      } catch (x) {
        return x;
      }
    })() as TgshError;
    expect(e).toBeInstanceOf(TgshError);
    expect(e.code).toBe(22);
    expect(e.message).toBe("invalid username '@1abcde': it must start with a letter");
    expect(e.hint).toContain('5 to 32 characters');
    expect(checkedUsername('https://t.me/Example_User')).toBe('Example_User');
  });
});
