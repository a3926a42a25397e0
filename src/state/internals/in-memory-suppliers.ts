import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { KeyValueBytesStoreSupplier, KeyValueStore } from '../state-store.js';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
import { MemoryLRUCache } from './lru-memory-store.js';

/** Java's `InMemoryKeyValueBytesStoreSupplier` (`Stores.inMemoryKeyValueStore`). */
export class InMemoryKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(private readonly storeName: string) {
    if (storeName === null || storeName === undefined) throw new IllegalArgumentError('name cannot be null');
  }

  name(): string {
    return this.storeName;
  }

  get(): KeyValueStore<Buffer, Buffer> {
    return new InMemoryKeyValueStore(this.storeName);
  }

  metricsScope(): string {
    return 'in-memory';
  }
}

/** The supplier behind `Stores.lruMap`. */
export class LruMapBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(
    private readonly storeName: string,
    private readonly maxCacheSize: number,
  ) {
    if (storeName === null || storeName === undefined) throw new IllegalArgumentError('name cannot be null');
    if (!Number.isInteger(maxCacheSize) || maxCacheSize < 0) {
      throw new IllegalArgumentError(`maxCacheSize cannot be negative (got ${maxCacheSize})`);
    }
  }

  name(): string {
    return this.storeName;
  }

  get(): KeyValueStore<Buffer, Buffer> {
    return new MemoryLRUCache(this.storeName, this.maxCacheSize);
  }

  metricsScope(): string {
    return 'in-memory-lru';
  }
}
