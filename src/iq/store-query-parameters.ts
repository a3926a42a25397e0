import type { QueryableStoreType } from './queryable-store-types.js';

/**
 * Java's `StoreQueryParameters`: which store to query (`fromNameAndType`), optionally only one partition
 * (`withPartition`), and whether stores that are not up to date may be read (`enableStaleStores`).
 * Immutable: each `with…` returns a new object.
 */
export class StoreQueryParameters<T> {
  private constructor(
    private readonly name: string,
    private readonly type: QueryableStoreType<T>,
    private readonly onlyPartition: number | null,
    private readonly stale: boolean,
  ) {}

  static fromNameAndType<T>(storeName: string, queryableStoreType: QueryableStoreType<T>): StoreQueryParameters<T> {
    return new StoreQueryParameters(storeName, queryableStoreType, null, false);
  }

  /** Queries only the store of this partition's task. */
  withPartition(partition: number | null): StoreQueryParameters<T> {
    return new StoreQueryParameters(this.name, this.type, partition, this.stale);
  }

  /**
   * Also reads stores that may be stale. There are no standby replicas in kstreams-ts, so this means: the
   * active tasks still restoring their state, and tasks suspended during a rebalance, and queries are
   * answered while the client is REBALANCING (instead of `StreamsRebalancingError`).
   */
  enableStaleStores(): StoreQueryParameters<T> {
    return new StoreQueryParameters(this.name, this.type, this.onlyPartition, true);
  }

  storeName(): string {
    return this.name;
  }

  queryableStoreType(): QueryableStoreType<T> {
    return this.type;
  }

  partition(): number | null {
    return this.onlyPartition;
  }

  staleStoresEnabled(): boolean {
    return this.stale;
  }
}
