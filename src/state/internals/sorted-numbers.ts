/**
 * A sorted set of numbers in an array: the time index of the in-memory window and session stores. Times
 * mostly arrive in increasing order, so `add` is usually an append; expiry removes a prefix.
 */
export class SortedNumbers {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  add(n: number): void {
    const items = this.items;
    const last = items[items.length - 1];
    if (last === undefined || n > last) {
      items.push(n);
      return;
    }
    const i = this.lowerBound(n);
    if (items[i] !== n) items.splice(i, 0, n);
  }

  delete(n: number): void {
    const i = this.lowerBound(n);
    if (this.items[i] === n) this.items.splice(i, 1);
  }

  /** The numbers in `[lo, hi]`, ascending (a copy). */
  between(lo: number, hi: number): number[] {
    if (hi < lo) return [];
    return this.items.slice(this.lowerBound(lo), this.lowerBound(hi + 1));
  }

  /** Removes and returns the numbers below `n`. */
  removeBelow(n: number): number[] {
    const items = this.items;
    if (items.length === 0 || items[0]! >= n) return [];
    const i = this.lowerBound(n);
    return items.splice(0, i);
  }

  values(): readonly number[] {
    return this.items;
  }

  clear(): void {
    this.items = [];
  }

  /** The index of the first number >= n. */
  private lowerBound(n: number): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid]! < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
