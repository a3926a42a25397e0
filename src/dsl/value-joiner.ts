/** Java's `ValueJoiner`: combines the two sides' values of a join, `(value1, value2) => result`. */
export type ValueJoiner<V1, V2, VR> = (value1: V1, value2: V2) => VR;

/** Java's `ValueJoinerWithKey`: as `ValueJoiner`, also given the (read-only) join key. */
export type ValueJoinerWithKey<K, V1, V2, VR> = (readOnlyKey: K, value1: V1, value2: V2) => VR;

/**
 * Java's two joiner interfaces are told apart by the function's declared parameter count: three or more
 * parameters make a `ValueJoinerWithKey`. Either way the operators call `(key, value1, value2)`.
 */
export function joinerWithKey<K, V1, V2, VR>(joiner: ValueJoiner<V1, V2, VR> | ValueJoinerWithKey<K, V1, V2, VR>): ValueJoinerWithKey<K, V1, V2, VR> {
  if (typeof joiner !== 'function') throw new TypeError('joiner must be a function');
  if (joiner.length >= 3) return joiner as ValueJoinerWithKey<K, V1, V2, VR>;
  const j = joiner as ValueJoiner<V1, V2, VR>;
  return (_k, v1, v2) => j(v1, v2);
}

/** The joiner seen from the other side of a join: its arguments swapped back into (left, right) order. */
export function reverseJoiner<K, V1, V2, VR>(joiner: ValueJoinerWithKey<K, V1, V2, VR>): ValueJoinerWithKey<K, V2, V1, VR> {
  return (k, v2, v1) => joiner(k, v1, v2);
}
