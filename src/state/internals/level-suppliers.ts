import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { KeyValueBytesStoreSupplier, KeyValueStore } from '../state-store.js';
import { LevelKeyValueStore, type LevelStoreOptions } from './level-key-value-store.js';

/**
 * Java's `RocksDbKeyValueBytesStoreSupplier` (`Stores.persistentKeyValueStore` and
 * `Stores.persistentTimestampedKeyValueStore`), over LevelDB. The metrics scope keeps Java's name,
 * `rocksdb`, so that metric names match Java's.
 *
 * The timestamped variant stores the same LevelDB database: the bytes it is given are already Java's
 * timestamped layout (an 8-byte big-endian timestamp, then the value), made by the metered timestamped
 * store above it. (Java keeps a second column family for stores upgraded from the plain format; a new
 * library has no old format to upgrade from.) `timestamped()` tells the two apart, as Java's
 * `TimestampedBytesStore` marker does.
 */
export class LevelKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  constructor(
    private readonly storeName: string,
    private readonly timestampedStore: boolean,
    private readonly options: LevelStoreOptions = {},
  ) {
    if (storeName === null || storeName === undefined) throw new IllegalArgumentError('name cannot be null');
  }

  name(): string {
    return this.storeName;
  }

  get(): KeyValueStore<Buffer, Buffer> {
    return new LevelKeyValueStore(this.storeName, this.options);
  }

  metricsScope(): string {
    return 'rocksdb';
  }

  /** Whether the store holds `ValueAndTimestamp` bytes (`persistentTimestampedKeyValueStore`). */
  timestamped(): boolean {
    return this.timestampedStore;
  }
}
