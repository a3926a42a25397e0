/**
 * A sorted set of strings kept as a list of sorted chunks (the layout of Python's `sortedcontainers`):
 * `chunks[i]` is sorted, every key of `chunks[i]` is below every key of `chunks[i + 1]`, and `maxes[i]`
 * is the last key of `chunks[i]`. Lookups are two binary searches; inserts and deletes move at most
 * ~2·LOAD references inside one chunk, so they stay O(log n) with small constants even for millions of
 * keys, and reading a range is a copy of contiguous slices.
 *
 * Keys are compared with JavaScript's `<` (UTF-16 code units). The stores use `latin1` strings of the
 * serialized key, for which this order is exactly unsigned byte order (RocksDB's / Java's `Bytes` order).
 */
const LOAD = 512;
const MAX_CHUNK = LOAD * 2;
const MIN_CHUNK = LOAD >>> 2;

function bisectLeft(array: readonly string[], key: string): number {
  let lo = 0;
  let hi = array.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (array[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function bisectRight(array: readonly string[], key: string): number {
  let lo = 0;
  let hi = array.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key < array[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class SortedKeyList {
  private chunks: string[][] = [];
  private maxes: string[] = [];
  private count = 0;

  /** Builds a list from keys that are already sorted ascending and distinct. */
  static fromSorted(keys: readonly string[]): SortedKeyList {
    const list = new SortedKeyList();
    for (let i = 0; i < keys.length; i += LOAD) {
      const chunk = keys.slice(i, i + LOAD);
      list.chunks.push(chunk);
      list.maxes.push(chunk[chunk.length - 1]!);
    }
    list.count = keys.length;
    return list;
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    const ci = bisectLeft(this.maxes, key);
    if (ci === this.chunks.length) return false;
    const chunk = this.chunks[ci]!;
    return chunk[bisectLeft(chunk, key)] === key;
  }

  /** Adds `key`; returns false when it was already there. */
  add(key: string): boolean {
    const { chunks, maxes } = this;
    if (chunks.length === 0) {
      chunks.push([key]);
      maxes.push(key);
      this.count = 1;
      return true;
    }
    let ci = bisectLeft(maxes, key);
    let chunk: string[];
    if (ci === chunks.length) {
      ci--;
      chunk = chunks[ci]!;
      chunk.push(key);
      maxes[ci] = key;
    } else {
      chunk = chunks[ci]!;
      const pos = bisectLeft(chunk, key);
      if (chunk[pos] === key) return false;
      chunk.splice(pos, 0, key);
    }
    this.count++;
    if (chunk.length > MAX_CHUNK) this.split(ci);
    return true;
  }

  /** Removes `key`; returns false when it was not there. */
  delete(key: string): boolean {
    const { chunks, maxes } = this;
    const ci = bisectLeft(maxes, key);
    if (ci === chunks.length) return false;
    const chunk = chunks[ci]!;
    const pos = bisectLeft(chunk, key);
    if (chunk[pos] !== key) return false;
    chunk.splice(pos, 1);
    this.count--;
    if (chunk.length === 0) {
      chunks.splice(ci, 1);
      maxes.splice(ci, 1);
      return true;
    }
    if (pos === chunk.length) maxes[ci] = chunk[pos - 1]!;
    if (chunk.length < MIN_CHUNK && chunks.length > 1) this.mergeWithNeighbour(ci);
    return true;
  }

  /**
   * The keys `k` with `from <= k <= to`, ascending, as a new array; a `null` bound is unbounded. Empty
   * when `from > to`.
   */
  range(from: string | null, to: string | null): string[] {
    const { chunks, maxes } = this;
    let startChunk = 0;
    let startPos = 0;
    if (from !== null) {
      startChunk = bisectLeft(maxes, from);
      if (startChunk === chunks.length) return [];
      startPos = bisectLeft(chunks[startChunk]!, from);
    }
    // end position is exclusive: (endChunk, endPos), where endChunk === chunks.length means "the end"
    let endChunk = chunks.length;
    let endPos = 0;
    if (to !== null) {
      endChunk = bisectRight(maxes, to);
      if (endChunk < chunks.length) endPos = bisectRight(chunks[endChunk]!, to);
    }
    if (startChunk > endChunk || (startChunk === endChunk && startPos >= endPos)) return [];
    if (startChunk === endChunk) return chunks[startChunk]!.slice(startPos, endPos);
    const result = chunks[startChunk]!.slice(startPos);
    for (let ci = startChunk + 1; ci < endChunk; ci++) {
      const chunk = chunks[ci]!;
      for (let i = 0; i < chunk.length; i++) result.push(chunk[i]!);
    }
    if (endChunk < chunks.length) {
      const chunk = chunks[endChunk]!;
      for (let i = 0; i < endPos; i++) result.push(chunk[i]!);
    }
    return result;
  }

  /** The keys that start with `prefix`, ascending, as a new array. */
  withPrefix(prefix: string): string[] {
    if (prefix.length === 0) return this.range(null, null);
    const { chunks, maxes } = this;
    let ci = bisectLeft(maxes, prefix);
    if (ci === chunks.length) return [];
    let pos = bisectLeft(chunks[ci]!, prefix);
    const result: string[] = [];
    for (; ci < chunks.length; ci++, pos = 0) {
      const chunk = chunks[ci]!;
      for (; pos < chunk.length; pos++) {
        const key = chunk[pos]!;
        if (!key.startsWith(prefix)) return result;
        result.push(key);
      }
    }
    return result;
  }

  private split(ci: number): void {
    const chunk = this.chunks[ci]!;
    const upper = chunk.splice(chunk.length >>> 1);
    this.chunks.splice(ci + 1, 0, upper);
    this.maxes[ci] = chunk[chunk.length - 1]!;
    this.maxes.splice(ci + 1, 0, upper[upper.length - 1]!);
  }

  private mergeWithNeighbour(ci: number): void {
    const lower = ci > 0 ? ci - 1 : ci;
    const merged = this.chunks[lower]!.concat(this.chunks[lower + 1]!);
    this.chunks.splice(lower, 2, merged);
    this.maxes.splice(lower, 2, merged[merged.length - 1]!);
    if (merged.length > MAX_CHUNK) this.split(lower);
  }
}
