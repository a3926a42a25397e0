/**
 * Java's `Change<V>`: what KTable processors pass downstream, the new value and (when the downstream
 * needs it, e.g. to subtract it from an aggregate) the old one.
 */
export class Change<V> {
  constructor(
    readonly newValue: V | null,
    readonly oldValue: V | null,
  ) {}
}
