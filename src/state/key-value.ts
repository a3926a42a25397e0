/** Java's `KeyValue<K, V>`: a plain object; `KeyValue.pair(k, v)` builds one. */
export interface KeyValue<K, V> {
  key: K;
  value: V;
}

export const KeyValue = {
  pair<K, V>(key: K, value: V): KeyValue<K, V> {
    return { key, value };
  },
};
