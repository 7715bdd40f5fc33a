// The few ANSI styles tgsh uses, as plain functions (no colour library at start-up).

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
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
