import { Materialized } from './materialized.js';
import { Named } from './named.js';

/** Java's overloads `op(..., Named)`, `op(..., Materialized)`, `op(..., Named, Materialized)` in one signature. */
export function namedAndMaterialized<K, V>(
  a?: Named | Materialized<K, V>,
  b?: Materialized<K, V>,
): { named: Named | undefined; materialized: Materialized<K, V> | undefined } {
  if (a instanceof Materialized) return { named: undefined, materialized: a };
  return { named: a, materialized: b };
}

/** Java's `ValueMapper` vs `ValueMapperWithKey`: told apart by the function's declared parameter count. */
export function withKey<K, V, R>(mapper: ((value: V) => R) | ((key: K, value: V) => R)): (key: K, value: V) => R {
  return mapper.length >= 2 ? (mapper as (key: K, value: V) => R) : (_k: K, v: V) => (mapper as (value: V) => R)(v);
}

export function nameOf(named: Named | undefined): string | null {
  return named?.name ?? null;
}

export { Named };
