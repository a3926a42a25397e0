import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { SessionBytesStoreSupplier, SessionStore } from '../session-store.js';
import type { WindowBytesStoreSupplier, WindowStore } from '../window-store.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import { InMemoryWindowStore } from './in-memory-window-store.js';
import { defaultSegmentInterval } from './key-value-segments.js';
import { SegmentedSessionStore } from './segmented-session-store.js';
import { SegmentedWindowStore } from './segmented-window-store.js';

/* The suppliers behind `Stores.*WindowStore` and `Stores.*SessionStore`, with Java's checks and messages. */

function checkName(name: string): void {
  if (name === null || name === undefined) throw new IllegalArgumentError('name cannot be null');
}

function checkWindowArgs(name: string, retentionPeriod: number, windowSize: number): void {
  checkName(name);
  if (!(retentionPeriod >= 0)) throw new IllegalArgumentError('retentionPeriod cannot be negative');
  if (!(windowSize >= 0)) throw new IllegalArgumentError('windowSize cannot be negative');
  if (windowSize > retentionPeriod) {
    throw new IllegalArgumentError(
      `The retention period of the window store ${name} must be no smaller than its window size. Got size=[${windowSize}], retention=[${retentionPeriod}]`,
    );
  }
}

/** Java's `InMemoryWindowBytesStoreSupplier`. */
export class InMemoryWindowBytesStoreSupplier implements WindowBytesStoreSupplier {
  constructor(
    private readonly storeName: string,
    private readonly retention: number,
    private readonly size: number,
    private readonly duplicates: boolean,
  ) {
    checkWindowArgs(storeName, retention, size);
  }

  name(): string {
    return this.storeName;
  }
  get(): WindowStore<Buffer, Buffer> {
    return new InMemoryWindowStore(this.storeName, this.retention, this.size, this.duplicates);
  }
  metricsScope(): string {
    return 'in-memory-window';
  }
  /** The in-memory store has no segments; Java reports 1. */
  segmentIntervalMs(): number {
    return 1;
  }
  windowSize(): number {
    return this.size;
  }
  retainDuplicates(): boolean {
    return this.duplicates;
  }
  retentionPeriod(): number {
    return this.retention;
  }
}

/**
 * Java's `RocksDbWindowBytesStoreSupplier` (and, with `timeOrdered`, the time-ordered supplier the DSL uses
 * for `EmitStrategy.onWindowClose()`), over LevelDB segments. `timestamped()` tells whether the store holds
 * `ValueAndTimestamp` bytes (`persistentTimestampedWindowStore`); the layout is the same either way.
 */
export class PersistentWindowBytesStoreSupplier implements WindowBytesStoreSupplier {
  private readonly interval: number;

  constructor(
    private readonly storeName: string,
    private readonly retention: number,
    private readonly size: number,
    private readonly duplicates: boolean,
    private readonly timestampedStore: boolean,
    private readonly timeOrdered = false,
    segmentInterval: number = defaultSegmentInterval(retention),
  ) {
    checkWindowArgs(storeName, retention, size);
    if (!(segmentInterval >= 1)) throw new IllegalArgumentError('segmentInterval cannot be zero or negative');
    this.interval = segmentInterval;
  }

  name(): string {
    return this.storeName;
  }
  get(): WindowStore<Buffer, Buffer> {
    return new SegmentedWindowStore(this.storeName, this.retention, this.interval, this.size, this.duplicates, this.timeOrdered);
  }
  metricsScope(): string {
    return 'rocksdb-window';
  }
  segmentIntervalMs(): number {
    return this.interval;
  }
  windowSize(): number {
    return this.size;
  }
  retainDuplicates(): boolean {
    return this.duplicates;
  }
  retentionPeriod(): number {
    return this.retention;
  }
  timestamped(): boolean {
    return this.timestampedStore;
  }
}

function checkSessionArgs(name: string, retentionPeriod: number): void {
  checkName(name);
  if (!(retentionPeriod >= 0)) throw new IllegalArgumentError('retentionPeriod cannot be negative');
}

/** Java's `InMemorySessionBytesStoreSupplier`. */
export class InMemorySessionBytesStoreSupplier implements SessionBytesStoreSupplier {
  constructor(
    private readonly storeName: string,
    private readonly retention: number,
  ) {
    checkSessionArgs(storeName, retention);
  }

  name(): string {
    return this.storeName;
  }
  get(): SessionStore<Buffer, Buffer> {
    return new InMemorySessionStore(this.storeName, this.retention);
  }
  metricsScope(): string {
    return 'in-memory-session';
  }
  segmentIntervalMs(): number {
    return 1;
  }
  retentionPeriod(): number {
    return this.retention;
  }
}

/** Java's `RocksDbSessionBytesStoreSupplier`, over LevelDB segments. */
export class PersistentSessionBytesStoreSupplier implements SessionBytesStoreSupplier {
  constructor(
    private readonly storeName: string,
    private readonly retention: number,
  ) {
    checkSessionArgs(storeName, retention);
  }

  name(): string {
    return this.storeName;
  }
  get(): SessionStore<Buffer, Buffer> {
    return new SegmentedSessionStore(this.storeName, this.retention, this.segmentIntervalMs());
  }
  metricsScope(): string {
    return 'rocksdb-session';
  }
  segmentIntervalMs(): number {
    return defaultSegmentInterval(this.retention);
  }
  retentionPeriod(): number {
    return this.retention;
  }
}
