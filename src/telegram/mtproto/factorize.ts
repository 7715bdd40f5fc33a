// The key exchange's pq factorisation, checked. GramJS factorises the server's pq with
// Pollard-Brent, whose fallback can end on the trivial divisor (p = pq, q = 1, when x and ys meet):
// the server refuses those p and q and hangs up, and the key exchange fails. Seen once in a few
// thousand exchanges against the sandbox. Each answer is now checked and, when wrong, worked out
// again (the method starts from random values).

import type bigInt from 'big-integer';
import { Factorizator } from 'telegram/crypto/Factorizator.js';

type Factorize = (pq: bigInt.BigInteger) => { p: bigInt.BigInteger; q: bigInt.BigInteger };

const ATTEMPTS = 16;

/** `factorize`, asked again until p and q are two factors other than 1 whose product is pq. */
export function checkedFactorize(factorize: Factorize): Factorize {
  return (pq) => {
    let r = factorize(pq);
    for (let i = 1; i < ATTEMPTS && !(r.p.greater(1) && r.q.greater(1) && r.p.multiply(r.q).eq(pq)); i++) r = factorize(pq);
    return r;
  };
}

let installed = false;

/** Puts the check in front of GramJS's own factorisation (once per process). */
export function installCheckedFactorize(): void {
  if (installed) return;
  installed = true;
  Factorizator.factorize = checkedFactorize(Factorizator.factorize.bind(Factorizator));
}
