/**
 * Java's `Topology.describe()` prints sets (store names, topics, sub-topology members) in the iteration
 * order of `java.util.HashSet`/`HashMap`. To print the same text we reproduce that order: String.hashCode,
 * HashMap's hash spreading, its table capacity for the element count, and insertion order per bucket.
 */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function tableCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** The iteration order of a `HashSet<String>` (default capacity) filled with `items` in the given order. */
export function javaHashSetOrder(items: Iterable<string>): string[] {
  const unique = [...new Set(items)];
  const mask = tableCapacity(unique.length) - 1;
  const bucket = (s: string): number => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & mask;
  };
  return unique
    .map((s, i) => ({ s, i, b: bucket(s) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.s);
}

/** Java's `AbstractCollection.toString()`: `[a, b]`. */
export function javaSetToString(items: Iterable<string>): string {
  return `[${[...items].join(', ')}]`;
}
