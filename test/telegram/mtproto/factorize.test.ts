// GramJS's pq factorisation now and then answers p = pq, q = 1, and the server then hangs up on
// the key exchange; tgsh checks each answer and factorises again.
import bigInt from 'big-integer';
import { describe, expect, it } from 'vitest';
import { Factorizator } from 'telegram/crypto/Factorizator.js';
import { checkedFactorize } from '../../../src/telegram/mtproto/factorize.js';
import '../../../src/telegram/mtproto/index.js';

describe('the key exchange factorisation', () => {
  it('asks again when the answer is the trivial divisor or not a factorisation', () => {
    const pq = bigInt(16_769_023).multiply(16_777_213);
    const answers = [
      { p: pq, q: bigInt.one },
      { p: bigInt(3), q: bigInt(5) },
      { p: bigInt(16_769_023), q: bigInt(16_777_213) },
    ];
    let calls = 0;
    const r = checkedFactorize(() => answers[calls++]!)(pq);
    expect(calls).toBe(3);
    expect([r.p.toString(), r.q.toString()]).toEqual(['16769023', '16777213']);
  });

  it("is in front of GramJS's own once tgsh's MTProto module is loaded", () => {
    const pq = bigInt(16_769_023).multiply(16_777_213);
    const r = Factorizator.factorize(pq);
    expect(r.p.multiply(r.q).eq(pq) && r.p.greater(1) && r.q.greater(1)).toBe(true);
    expect(Factorizator.factorize.name).not.toBe('factorize');
  });
});
