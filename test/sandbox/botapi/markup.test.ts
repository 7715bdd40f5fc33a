// parse_mode parsing against the cases of TDLib's own test suite (test/message_entities.cpp):
// the texts, entities, error messages and byte offsets the real Bot API server produces.
import { describe, expect, it } from 'vitest';
import { checkedLink, parseMarkup, type ParseMode } from '../../../src/sandbox/botapi/markup.js';

const ok = (mode: ParseMode, src: string, text: string, entities: Array<Record<string, unknown>>) => {
  const r = parseMarkup(src, mode, (id) => ({ id, is_bot: false, first_name: `U${id}` }));
  expect({ src, text: r.text, entities: r.entities }).toEqual({ src, text, entities });
};
const fails = (mode: ParseMode, src: string, message: string) => {
  expect(() => parseMarkup(src, mode), src).toThrow(message);
  try {
    parseMarkup(src, mode);
  } catch (e) {
    expect((e as Error).message).toBe(message);
  }
};

describe('MarkdownV2', () => {
  it('refuses every unescaped reserved character and accepts it escaped', () => {
    for (const c of ']()>#+-=|{}.!') {
      if (c === '>') continue; // a quote at the start of a line
      fails('MarkdownV2', c, `Character '${c}' is reserved and must be escaped with the preceding '\\'`);
      ok('MarkdownV2', `\\${c}`, c, []);
    }
    fails('MarkdownV2', 'Version 1.0', "Character '.' is reserved and must be escaped with the preceding '\\'");
  });

  it('names the unclosed entity and its byte offset', () => {
    fails('MarkdownV2', '🏟 🏟_abacaba', "Can't find end of Italic entity at byte offset 9");
    fails('MarkdownV2', '🏟 🏟_abac * asd ', "Can't find end of Bold entity at byte offset 15");
    fails('MarkdownV2', '🏟 🏟_abac * asd _', "Can't find end of Italic entity at byte offset 21");
    fails('MarkdownV2', '🏟 🏟`', "Can't find end of Code entity at byte offset 9");
    fails('MarkdownV2', '🏟 🏟```', "Can't find end of Pre entity at byte offset 9");
    fails('MarkdownV2', '🏟 🏟```a ', "Can't find end of PreCode entity at byte offset 9");
    fails('MarkdownV2', '🏟 🏟__', "Can't find end of Underline entity at byte offset 9");
    fails('MarkdownV2', '🏟 🏟||test\\|', "Can't find end of Spoiler entity at byte offset 9");
    fails('MarkdownV2', '[telegram\\.org](asd\\)', "Can't find end of a URL at byte offset 16");
    fails('MarkdownV2', '🏟 🏟![👍]', 'Custom emoji entity must contain a tg://emoji URL');
    fails('MarkdownV2', '>*b\n>ld \n>bo\nld*\nasd\ndef', "Can't find end of Bold entity at byte offset 1");
    fails('MarkdownV2', '>\n*a*>2', "Character '>' is reserved and must be escaped with the preceding '\\'");
  });

  it('produces entities with UTF-16 offsets', () => {
    ok('MarkdownV2', '🏟 🏟_abac \\* asd _', '🏟 🏟abac * asd ', [{ type: 'italic', offset: 5, length: 11 }]);
    ok('MarkdownV2', '➡️ ➡️_➡️ ➡️_*➡️ ➡️*', '➡️ ➡️➡️ ➡️➡️ ➡️', [
      { type: 'italic', offset: 5, length: 5 },
      { type: 'bold', offset: 10, length: 5 },
    ]);
    ok('MarkdownV2', '🏟 🏟__🏟 _🏟_ __', '🏟 🏟🏟 🏟 ', [
      { type: 'underline', offset: 5, length: 6 },
      { type: 'italic', offset: 8, length: 2 },
    ]);
    ok('MarkdownV2', '🏟 🏟```🏟 🏟```', '🏟 🏟 🏟', [{ type: 'pre', offset: 5, length: 3, language: '🏟' }]);
    ok('MarkdownV2', '||test||', 'test', [{ type: 'spoiler', offset: 0, length: 4 }]);
    ok('MarkdownV2', '[telegram\\.org](telegram.dog)', 'telegram.org', [
      { type: 'text_link', offset: 0, length: 12, url: 'http://telegram.dog/' },
    ]);
    ok('MarkdownV2', '[telegram\\.org](asdasd)', 'telegram.org', []);
    ok('MarkdownV2', '[telegram\\.org](tg:user?id=123456)', 'telegram.org', [
      { type: 'text_mention', offset: 0, length: 12, user: { id: 123456, is_bot: false, first_name: 'U123456' } },
    ]);
    ok('MarkdownV2', '>a', 'a', [{ type: 'blockquote', offset: 0, length: 1 }]);
    ok('MarkdownV2', '>asd\n>q||ew||\nasdad', 'asd\nqew\nasdad', [
      { type: 'blockquote', offset: 0, length: 8 },
      { type: 'spoiler', offset: 5, length: 2 },
    ]);
    ok('MarkdownV2', '>asd\n>q||e||w||\nasdad', 'asd\nqew\nasdad', [
      { type: 'expandable_blockquote', offset: 0, length: 8 },
      { type: 'spoiler', offset: 5, length: 1 },
    ]);
    ok('MarkdownV2', '🏟 🏟![👍](TG://EMoJI/?test=1231&id=25#id=32)a', '🏟 🏟👍a', [
      { type: 'custom_emoji', offset: 5, length: 2, custom_emoji_id: '25' },
    ]);
  });
});

describe('HTML', () => {
  it('refuses bad markup with TDLib texts and byte offsets', () => {
    fails('HTML', '🏟 🏟&lt;<abacaba', 'Unclosed start tag at byte offset 13');
    fails('HTML', '🏟 🏟&lt;<abac aba>', 'Unsupported start tag "abac" at byte offset 13');
    fails('HTML', '🏟 🏟&lt;<i   =aba>', 'Empty attribute name in the tag "i" at byte offset 13');
    fails('HTML', '🏟 🏟&lt;<i    aba>', 'Can\'t find end tag corresponding to start tag "i"');
    fails('HTML', '🏟 🏟&lt;<i    aba  =  ', 'Unclosed start tag "i" at byte offset 13');
    fails('HTML', '🏟 🏟&lt;<i    aba  =  190azAz-.,', 'Unexpected end of name token at byte offset 27');
    fails('HTML', '🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', 'Unclosed start tag at byte offset 13');
    fails('HTML', '🏟 🏟&lt;</', 'Unexpected end tag at byte offset 13');
    fails('HTML', '🏟 🏟&lt;<b></b></', 'Unexpected end tag at byte offset 20');
    fails('HTML', '🏟 🏟&lt;<i>a</i   ', 'Unclosed end tag at byte offset 17');
    fails('HTML', '🏟 🏟&lt;<i>a</em   >', 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"');
    fails('HTML', '&#57311;', 'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units');
  });

  it('parses tags and entities', () => {
    ok('HTML', '&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;', '&ge;<>&"&laquo;&raquo;&#12345678;', []);
    ok('HTML', '➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>', '➡️ ➡️➡️ ➡️➡️ ➡️', [
      { type: 'italic', offset: 5, length: 5 },
      { type: 'bold', offset: 10, length: 5 },
    ]);
    ok('HTML', '🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>', '🏟 🏟🏟 ><🏟', [
      { type: 'italic', offset: 5, length: 7 },
      { type: 'bold', offset: 9, length: 3 },
    ]);
    ok('HTML', '🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>', '🏟 🏟<a', [{ type: 'italic', offset: 6, length: 1 }]);
    ok('HTML', '➡️ ➡️<span class = "tg-spoiler">➡️ ➡️</span><b>➡️ ➡️</b>', '➡️ ➡️➡️ ➡️➡️ ➡️', [
      { type: 'spoiler', offset: 5, length: 5 },
      { type: 'bold', offset: 10, length: 5 },
    ]);
    ok('HTML', '<a href=telegram.org> </a>', ' ', [{ type: 'text_link', offset: 0, length: 1, url: 'http://telegram.org/' }]);
    ok('HTML', "<a   href=  'telegram.org?&lt;'   > </a>", ' ', [
      { type: 'text_link', offset: 0, length: 1, url: 'http://telegram.org/?<' },
    ]);
    ok('HTML', '<a>telegram.org </a>', 'telegram.org ', []);
    ok('HTML', '<a>telegram.org</a>', 'telegram.org', [{ type: 'text_link', offset: 0, length: 12, url: 'http://telegram.org/' }]);
    ok('HTML', '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>', '🏟 🏟<🏟 🏟<', [
      { type: 'pre', offset: 6, length: 6, language: 'fift' },
    ]);
    ok('HTML', '🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>', '🏟 🏟<🏟 🏟<', [
      { type: 'pre', offset: 6, length: 6, language: 'fift' },
    ]);
    ok('HTML', '🏟 🏟&lt;<pre><code class="language-">🏟 🏟&lt;</code></>', '🏟 🏟<🏟 🏟<', [
      { type: 'pre', offset: 6, length: 6 },
      { type: 'code', offset: 6, length: 6 },
    ]);
    ok('HTML', '<blockquote   expandable>a&lt;<pre  >b;</></>', 'a<b;', [
      { type: 'expandable_blockquote', offset: 0, length: 4 },
      { type: 'pre', offset: 2, length: 2 },
    ]);
    ok('HTML', '➡️ ➡️<tg-emoji emoji-id = "12345">➡️ ➡️</tg-emoji>', '➡️ ➡️➡️ ➡️', [
      { type: 'custom_emoji', offset: 5, length: 5, custom_emoji_id: '12345' },
    ]);
  });
});

describe('legacy Markdown', () => {
  it('parses and refuses like Telegram', () => {
    ok('Markdown', '*bold* _it_ `code` [x](http://t.me/a)', 'bold it code x', [
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 5, length: 2 },
      { type: 'code', offset: 8, length: 4 },
      { type: 'text_link', offset: 13, length: 1, url: 'http://t.me/a' },
    ]);
    fails('Markdown', 'a *b', "Can't find end of the entity starting at byte offset 2");
  });
});

describe('links', () => {
  it('normalizes like Telegram', () => {
    expect(checkedLink('telegram.org')).toBe('http://telegram.org/');
    expect(checkedLink('https://telegram.dog?')).toBe('https://telegram.dog/?');
    expect(checkedLink('as')).toBe('');
    expect(checkedLink('telegram.org ')).toBe('');
    expect(checkedLink('HTTPS://Example.COM:8443/a?b#c')).toBe('https://example.com:8443/a?b#c');
    expect(checkedLink('tg://resolve?domain=x')).toBe('tg://resolve?domain=x');
  });
});
