// The parts of GramJS (the `telegram` package, CommonJS) the data centre reuses: its TL classes
// and binary reader, so that what the server writes is what the unmodified client reads.

import { Api } from 'telegram/tl/index.js';
import { BinaryReader } from 'telegram/extensions/BinaryReader.js';
import { returnBigInt } from 'telegram/Helpers.js';

export { Api, BinaryReader };

/** GramJS's 64-bit integer type (big-integer). */
export type BigInteger = ReturnType<typeof returnBigInt>;

/** A GramJS long from a number, a bigint or a decimal string. */
export function big(x: number | bigint | string): BigInteger {
  return returnBigInt(typeof x === 'bigint' ? x.toString() : x);
}

/** A GramJS long as a native bigint (through its decimal string: never through valueOf). */
export function toBigInt(x: BigInteger | number | bigint | string): bigint {
  return BigInt(x.toString());
}

/** A GramJS long holding a peer id (ids fit in 52 bits) as a number. */
export function toId(x: BigInteger | number): number {
  return Number(BigInt(x.toString()));
}
