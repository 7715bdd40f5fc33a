// "Did you mean": the closest known name by edit distance (with transpositions), or a unique prefix.

export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > cap) return cap + 1;
    prev2.splice(0, prev2.length, ...prev);
    prev = cur;
  }
  return prev[b.length];
}

/** The best suggestion for a mistyped name, or undefined when nothing is close. */
export function suggest(input: string, names: readonly string[]): string | undefined {
  if (input.length === 0 || input.length > 64) return undefined;
  const lower = input.toLowerCase();
  const prefixed = names.filter((n) => n.startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  const cap = lower.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = cap + 1;
  for (const n of names) {
    const d = editDistance(lower, n, cap);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}
