/** Java's `ValueAndTimestamp<V>`: what timestamped stores hold. */
export class ValueAndTimestamp<V> {
  private constructor(
    readonly value: V,
    readonly timestamp: number,
  ) {}

  /** As in Java, a `null` value gives `null`, never a wrapper around nothing. */
  static make<V>(value: V | null, timestamp: number): ValueAndTimestamp<V> | null {
    return value === null || value === undefined ? null : new ValueAndTimestamp(value, timestamp);
  }

  static getValueOrNull<V>(vt: ValueAndTimestamp<V> | null): V | null {
    return vt === null ? null : vt.value;
  }
}
