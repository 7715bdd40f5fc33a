// The few ANSI styles tgsh uses, as plain functions (no colour library at start-up).

export interface Paint {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly blue: (s: string) => string;
  readonly magenta: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const id = (s: string): string => s;

export const colorPaint: Paint = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  blue: wrap(34, 39),
  magenta: wrap(35, 39),
  cyan: wrap(36, 39),
};

export const plainPaint: Paint = { bold: id, dim: id, red: id, green: id, yellow: id, blue: id, magenta: id, cyan: id };

export function paintFor(color: boolean): Paint {
  return color ? colorPaint : plainPaint;
}
