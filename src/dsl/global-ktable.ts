/** Java's `GlobalKTable`: a table fully replicated on every instance, read through its store. */
export class GlobalKTable<K, V> {
  declare readonly _types?: [K, V];

  /** @internal */
  constructor(private readonly storeName: string) {}

  queryableStoreName(): string {
    return this.storeName;
  }
}
