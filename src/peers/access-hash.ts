// Access hashes are signed 64-bit integers. They reach tgsh as GramJS big-integer objects, bigint,
// decimal strings (sometimes of the unsigned value, above 2^63 - 1) or, wrongly, JS numbers. They
// are kept as the decimal string of the signed value, never as a number.

export type AccessHashInput = string | bigint | number | { toString(): string };

const DECIMAL_RE = /^-?\d{1,20}$/;
const TWO_64 = 1n << 64n;
const SHORT_RE = /^(?:0|-?[1-9]\d{0,17})$/;
const LONG_RE = /^[1-9]\d{18}$/;

/**
 * The signed decimal form of an access hash. An unsigned value above 2^63 - 1 becomes its signed
 * value; anything outside -2^63 .. 2^64 - 1, a non-integer or an unsafe JS number throws.
 */
export function normaliseAccessHash(input: AccessHashInput): string {
  let v: bigint;
  if (typeof input === 'bigint') v = input;
  else if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) throw new RangeError(`access hash ${input} lost precision as a JS number; pass a string or bigint`);
    v = BigInt(input);
  } else {
    const text = String(input).trim();
    // Already the canonical signed form (the usual case): nothing to compute.
    if (isNormalAccessHash(text)) return text;
    if (!DECIMAL_RE.test(text)) throw new RangeError(`access hash '${text.slice(0, 40)}' is not a decimal integer`);
    v = BigInt(text);
  }
  if (v < -(1n << 63n) || v >= TWO_64) throw new RangeError(`access hash ${v} does not fit 64 bits`);
  return BigInt.asIntN(64, v).toString();
}

/** True for the decimal string of a signed 64-bit value, as the store keeps it. */
export function isNormalAccessHash(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  if (SHORT_RE.test(s)) return true;
  // 19 digits (most hashes): in range when not above 2^63 - 1 (or 2^63 for a negative value);
  // same-length digit strings compare like the numbers.
  const neg = s.charCodeAt(0) === 45;
  const digits = neg ? s.slice(1) : s;
  return digits.length === 19 && LONG_RE.test(digits) && digits <= (neg ? '9223372036854775808' : '9223372036854775807');
}
