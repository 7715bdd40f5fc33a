import { describe, expect, it } from 'vitest';
import { isNormalAccessHash, normaliseAccessHash } from '../../src/peers/access-hash.js';

describe('normaliseAccessHash', () => {
  it('keeps signed decimal strings as they are', () => {
    expect(normaliseAccessHash('596679014459359234')).toBe('596679014459359234');
    expect(normaliseAccessHash('-5833984207532457797')).toBe('-5833984207532457797');
    expect(normaliseAccessHash('9223372036854775807')).toBe('9223372036854775807');
    expect(normaliseAccessHash('-9223372036854775808')).toBe('-9223372036854775808');
    expect(normaliseAccessHash('0')).toBe('0');
  });

  it('turns an unsigned value above 2^63 - 1 into its signed value', () => {
    expect(normaliseAccessHash('9223372036854775808')).toBe('-9223372036854775808');
    expect(normaliseAccessHash('18446744073709551615')).toBe('-1');
    expect(normaliseAccessHash('12612757716591042614')).toBe(String(12612757716591042614n - (1n << 64n)));
    expect(normaliseAccessHash(18446744073709551615n)).toBe('-1');
  });

  it('takes bigint, safe numbers and big-integer objects (their toString)', () => {
    expect(normaliseAccessHash(-42n)).toBe('-42');
    expect(normaliseAccessHash(12345)).toBe('12345');
    const bigInteger = { toString: () => '596679014459359234', valueOf: () => 596679014459359200 };
    expect(normaliseAccessHash(bigInteger)).toBe('596679014459359234');
    expect(normaliseAccessHash(' 007 ')).toBe('7');
  });

  it('refuses what is not a 64-bit integer, and numbers that lost precision', () => {
    expect(() => normaliseAccessHash(2 ** 60)).toThrow(/precision/);
    expect(() => normaliseAccessHash('12.5')).toThrow(RangeError);
    expect(() => normaliseAccessHash('0x10')).toThrow(RangeError);
    expect(() => normaliseAccessHash('18446744073709551616')).toThrow(/64 bits/);
    expect(() => normaliseAccessHash('-9223372036854775809')).toThrow(/64 bits/);
  });

  it('isNormalAccessHash accepts only the canonical signed form', () => {
    expect(isNormalAccessHash('-1')).toBe(true);
    expect(isNormalAccessHash('18446744073709551615')).toBe(false);
    expect(isNormalAccessHash('007')).toBe(false);
    expect(isNormalAccessHash(5)).toBe(false);
  });
});

describe('isNormalAccessHash at the edges', () => {
  it('agrees with BigInt for 19- and 20-digit values', () => {
    for (const s of ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '1000000000000000000', '-1000000000000000000', '0999999999999999999', '12345678901234567890', '-0']) {
      let expected: boolean;
      try {
        expected = BigInt.asIntN(64, BigInt(s)).toString() === s;
      } catch {
        expected = false;
      }
      expect(isNormalAccessHash(s), s).toBe(expected);
    }
  });
});
