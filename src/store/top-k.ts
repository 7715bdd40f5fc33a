// The `k` smallest (by sort key, then value) of what is offered, in order: completion keeps only
// the first `limit` candidates of a pass over an index instead of sorting them all.

export class TopK {
  private readonly items: Array<[string, string]> = [];
  constructor(private readonly k: number) {}

  wouldTake(sortKey: string): boolean {
    return this.items.length < this.k || sortKey <= this.items[this.items.length - 1][0];
  }

  offer(sortKey: string, value: string): void {
    const items = this.items;
    const last = items[items.length - 1];
    if (items.length >= this.k && last && (sortKey > last[0] || (sortKey === last[0] && value >= last[1]))) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = items[mid];
      if (m[0] < sortKey || (m[0] === sortKey && m[1] < value)) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, [sortKey, value]);
    if (items.length > this.k) items.pop();
  }

  values(): string[] {
    return this.items.map((i) => i[1]);
  }
}
