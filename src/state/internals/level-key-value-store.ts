/*
 * The persistent key-value bytes store: Java's `RocksDBStore`, over LevelDB.
 *
 * Dependency: `classic-level`, the LevelDB binding that the `level` package itself uses under Node (the
 * design card names `level`). We depend on `classic-level` directly because it ships prebuilt binaries
 * for the usual platforms (linux x64 among them) inside the npm package: nothing is compiled or downloaded
 * at install time, so it installs and loads on machines where npm does not run install scripts, and `npm
 * ci` stays reproducible. (`level` would add only a browser/Node switch we do not need.) It also offers
 * what the store needs beyond `level`'s common API: `getSync` (the synchronous point read below),
 * `approximateSize`, and iterators read in chunks with `nextv`.
 */
import { ClassicLevel, type BatchOperation } from 'classic-level';
import { join } from 'node:path';
import { ConfigError, IllegalArgumentError, InvalidStateStoreError, NoSuchElementError, ProcessorStateError } from '../../errors/streams-error.js';
import type { Serializer } from '../../serde/serde.js';
import { AbstractKeyValueIterator, ArrayKeyValueIterator, EmptyKeyValueIterator } from '../iterators.js';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
import { MergedSortedIterator } from './window-iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import type { SyncKeyValueIterator } from '../iterators.js';

/** Tuning of the LevelDB database behind one store (LevelDB's own option names). */
export interface LevelStoreOptions {
  /** LevelDB's block cache, in bytes (LevelDB's default is 8 MiB). */
  readonly cacheSize?: number;
  /** The memtable size before it is written out as a table file (LevelDB's default is 4 MiB). */
  readonly writeBufferSize?: number;
  /** The size of the table files (LevelDB's default is 2 MiB). */
  readonly maxFileSize?: number;
  /** Snappy compression of table blocks (default false, as Kafka Streams configures RocksDB). */
  readonly compression?: boolean;
  /**
   * Table files kept open (LevelDB's default, 1000). LevelDB memory-maps the table files it keeps open, so
   * the pages that reads touch count in the process's RSS (as file-backed, reclaimable page cache); a low
   * limit bounds that RSS at the cost of reopening tables on random reads of a large store.
   */
  readonly maxOpenFiles?: number;
  /**
   * A store whose data fits in this many bytes is also kept in memory and read from there (0 turns this
   * off). Not a LevelDB option: LevelDB answers range scans only asynchronously, through Node's thread
   * pool, which costs a round trip per scan (a join or window fetch per record); Java's RocksDB scans
   * synchronously. Writes still go to LevelDB (in batches, behind); a store that outgrows the budget drops
   * its copy and is read from LevelDB from then on. Comparable to the memory Kafka Streams' RocksDB gives
   * each store by default (16 MiB memtables, a block cache).
   */
  readonly mirrorBytes?: number;
}

export const ROCKSDB_CONFIG_SETTER_CONFIG = 'rocksdb.config.setter';

/**
 * Java's `rocksdb.config.setter`, for LevelDB: a function in the application's configs that may change the
 * options of every persistent store (window and session segments included) before it opens.
 */
export type LevelConfigSetter = (storeName: string, options: LevelStoreOptions, configs: Readonly<Record<string, unknown>>) => LevelStoreOptions | void;

/**
 * Our defaults, nearer to the ones Kafka Streams gives RocksDB (16 MiB write buffers, a bigger block
 * cache, no compression) than LevelDB's: fewer, larger level-0 files make bulk writes (cache flushes,
 * restoration) cheaper, and compaction spends no CPU on compressing.
 */
const DEFAULT_OPTIONS: Required<LevelStoreOptions> = {
  cacheSize: 16 * 1024 * 1024,
  writeBufferSize: 16 * 1024 * 1024,
  maxFileSize: 8 * 1024 * 1024,
  compression: false,
  maxOpenFiles: 1000,
  mirrorBytes: 16 * 1024 * 1024,
};

/** What one mirrored entry costs beyond its key and value bytes (map entry, key string, sorted index). */
const MIRROR_ENTRY_OVERHEAD = 96;

/** Pending writes (restored records, flushed cache entries, puts) that start a batch write. */
const WRITE_BATCH = 10_000;
/** An iterator reads this many entries first (short scans stay short), then doubles up to the maximum. */
const FIRST_CHUNK = 32;
const MAX_CHUNK = 1024;
/** Counted exactly up to this many keys; beyond, `approximateNumEntries` extrapolates from file sizes. */
const EXACT_COUNT_LIMIT = 100_000;

type Db = ClassicLevel<Buffer, Buffer>;
const EMPTY_KEY = Buffer.alloc(0);
type LevelIterator = ReturnType<Db['iterator']>;

/**
 * A `KeyValueStore<Buffer, Buffer>` kept in a LevelDB database in `<task state dir>/<store name>`.
 * LevelDB's default comparator orders keys as unsigned bytes, like RocksDB's, so scans come out in the
 * same order as Java's.
 *
 * Reads and writes:
 * - A store whose data fits in `mirrorBytes` (the usual case for join and window stores, whose data
 *   expires) is mirrored in memory: every read answers synchronously from the mirror, and writes reach
 *   LevelDB behind, in batches. The mirror is loaded at open when the database is small enough, and
 *   dropped for good when the store outgrows it.
 * - Otherwise `get` answers synchronously too (LevelDB's `getSync`): a point read is a memtable/block-cache
 *   lookup or one page-cache read, far cheaper than a round trip through the thread pool (Java's RocksDB
 *   `get` blocks the stream thread in the same way). `getMany` reads many keys in one asynchronous call.
 * - writes answer synchronously and reach LevelDB behind, in batches (a failed write fails the next
 *   flush, and so the commit); point reads look at the pending writes first, scans wait for them.
 * - iterators read a snapshot taken when they are created (LevelDB's implicit snapshot, as RocksDB's) in
 *   chunks (`nextv`), so `hasNext`/`next` answer synchronously within a chunk and await once per chunk.
 *
 * `flush()` (called before a checkpoint is written) syncs LevelDB's log: LevelDB writes every completed
 * write to its log (WAL) at once, so a process that dies loses nothing, but only a synced log survives a
 * machine crash. (Java's RocksDB store runs without a WAL, which is why its flush writes the memtables out
 * to synced table files.) Other writes are not synced, as in LevelDB by default.
 *
 * Errors of LevelDB become `ProcessorStateError`s naming the store; use after `close` throws
 * `InvalidStateStoreError`, as the in-memory store does.
 */
export class LevelKeyValueStore implements KeyValueStore<Buffer, Buffer> {
  private db: Db | null = null;
  private dir: string | null = null;
  private readonly openIterators = new Set<StoreIterator>();
  /** Writes not yet handed to LevelDB (write-behind): puts, flushed cache entries, restored records. */
  private pendingWrites: Array<KeyValue<Buffer, Buffer | null>> = [];
  /** The batch being written, if any. */
  private inFlight: ReadonlyArray<KeyValue<Buffer, Buffer | null>> = [];
  /**
   * The pending writes (buffered and in flight) by latin1 key, the newest value per key: built when a point
   * read meets pending writes, so that it answers at once instead of waiting for them; dropped when none
   * is left.
   */
  private pendingByKey: Map<string, Buffer | null> | null = null;
  /** The loop writing the pending writes, batch after batch, if running. */
  private writing: Promise<void> | null = null;
  private writeFailure: unknown = null;
  /** The whole store in memory, while it fits in `mirrorBudget` bytes (see the class comment). */
  private mirror: InMemoryKeyValueStore | null = null;
  private mirrorSize = 0;
  private mirrorBudget = 0;
  private readonly options: Required<LevelStoreOptions>;

  constructor(
    private readonly storeName: string,
    options: LevelStoreOptions = {},
  ) {
    if (storeName === null || storeName === undefined) throw new IllegalArgumentError('name cannot be null');
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  name(): string {
    return this.storeName;
  }

  /** The directory of the database (`<task state dir>/<store name>`), once initialized. */
  location(): string | null {
    return this.dir;
  }

  /** Opens (creating if needed) the database in `<context.stateDir()>/<name>`, then registers the store. */
  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    if (this.db !== null) throw new ProcessorStateError(`Store ${this.storeName} is already open`);
    const dir = join(context.stateDir(), this.storeName);
    const { cacheSize, writeBufferSize, maxFileSize, compression, maxOpenFiles, mirrorBytes } = configuredOptions(this.storeName, this.options, context.appConfigs());
    const db = new ClassicLevel<Buffer, Buffer>(dir, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
      cacheSize,
      writeBufferSize,
      maxFileSize,
      compression,
      maxOpenFiles,
    });
    try {
      await db.open();
    } catch (e) {
      throw new ProcessorStateError(`Error opening store ${this.storeName} at location ${dir}: ${messageOf(e)}`, { cause: e });
    }
    this.db = db;
    this.dir = dir;
    await this.loadMirror(db, mirrorBytes);
    context?.register(root, (key, value) => this.restore(key, value));
  }

  /** Reads the database into the mirror, unless it holds more than `budget` bytes. */
  private async loadMirror(db: Db, budget: number): Promise<void> {
    if (!(budget > 0)) return;
    const mirror = new InMemoryKeyValueStore(this.storeName);
    let size = 0;
    const it = db.iterator({ highWaterMarkBytes: 1 << 20 });
    try {
      while (true) {
        const chunk = (await it.nextv(MAX_CHUNK)) as Array<[Buffer, Buffer]>;
        if (chunk.length === 0) break;
        for (const [key, value] of chunk) {
          mirror.put(key, compact(value));
          size += key.length + value.length + MIRROR_ENTRY_OVERHEAD;
        }
        if (size > budget) return;
      }
    } catch (e) {
      throw this.error('reading', e);
    } finally {
      await it.close();
    }
    this.mirror = mirror;
    this.mirrorSize = size;
    this.mirrorBudget = budget;
  }

  /** Applies a write to the mirror; drops the mirror when the store outgrows its budget. */
  private mirrorWrite(mirror: InMemoryKeyValueStore, key: Buffer, value: Buffer | null): void {
    const old = mirror.get(key);
    if (value === null || value === undefined) {
      if (old !== null) this.mirrorSize -= key.length + old.length + MIRROR_ENTRY_OVERHEAD;
    } else {
      this.mirrorSize += old === null ? key.length + value.length + MIRROR_ENTRY_OVERHEAD : value.length - old.length;
    }
    mirror.put(key, value ?? null);
    // open iterators keep reading the dropped mirror: the snapshot they were created on
    if (this.mirrorSize > this.mirrorBudget) this.mirror = null;
  }

  /** Whether the whole store is in memory now (reads answer synchronously). */
  mirrored(): boolean {
    return this.mirror !== null;
  }

  /** See the class comment: LevelDB's log already holds every completed write. Waits for the pending writes. */
  async flush(): Promise<void> {
    if (this.db === null) return; // as Java's: nothing to flush in a closed store
    if (this.writeFailure !== null) throw this.writeFailure;
    await this.writePending();
    await this.syncLog();
  }

  /**
   * Makes every completed write survive a machine crash before a checkpoint claims them: one synced write
   * forces LevelDB's log, and all writes before it, to disk. The write changes nothing: it rewrites the
   * empty key's current value, or adds and removes it in one batch.
   */
  private async syncLog(): Promise<void> {
    const db = this.db!;
    const current = db.getSync(EMPTY_KEY);
    const ops: Array<BatchOperation<Db, Buffer, Buffer>> =
      current === undefined
        ? [
            { type: 'put', key: EMPTY_KEY, value: EMPTY_KEY },
            { type: 'del', key: EMPTY_KEY },
          ]
        : [{ type: 'put', key: EMPTY_KEY, value: current }];
    try {
      await db.batch(ops, { sync: true });
    } catch (e) {
      throw this.error('syncing', e);
    }
  }

  /** Closes the open iterators and the database. Idempotent. */
  async close(): Promise<void> {
    const db = this.db;
    if (db === null) return;
    try {
      await this.writePending();
    } finally {
      this.db = null;
      this.mirror?.close();
      this.mirror = null;
      const iterators = [...this.openIterators];
      this.openIterators.clear();
      try {
        for (const it of iterators) await it.closeForStore();
        await db.close();
      } catch (e) {
        throw this.error('closing', e);
      }
    }
  }

  persistent(): boolean {
    return true;
  }

  isOpen(): boolean {
    return this.db !== null;
  }

  get(key: Buffer): Buffer | null | Promise<Buffer | null> {
    const db = this.checkOpen();
    if (this.mirror !== null) return this.mirror.get(key);
    if (this.writing !== null || this.pendingWrites.length !== 0) {
      // a key not among the pending writes reads the same before and after them
      const pending = this.pendingOverlay().get(key.toString('latin1'));
      if (pending !== undefined) return pending;
    }
    let value: Buffer | undefined;
    try {
      value = db.getSync(key);
    } catch (e) {
      throw this.error('reading', e);
    }
    return value === undefined ? null : compact(value);
  }

  /** Reads many keys in one batched call; the answer has one value (or null) per key, in order. */
  async getMany(keys: ReadonlyArray<Buffer>): Promise<Array<Buffer | null>> {
    const db = this.checkOpen();
    const mirror = this.mirror;
    if (mirror !== null) return keys.map((key) => mirror.get(key));
    await this.writePending();
    try {
      const values = await db.getMany(keys as Buffer[]);
      const out: Array<Buffer | null> = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        out[i] = value === undefined ? null : compact(value);
      }
      return out;
    } catch (e) {
      throw this.error('reading', e);
    }
  }

  /** Goes behind, as `putAll` (awaiting each write would cost a thread-pool round trip per record). */
  put(key: Buffer, value: Buffer | null): void {
    this.checkOpen();
    if (key === null || key === undefined) throw new IllegalArgumentError(`key cannot be null (store ${this.storeName})`);
    this.writeBehind(key, value ?? null);
  }

  async putIfAbsent(key: Buffer, value: Buffer | null): Promise<Buffer | null> {
    const existing = await this.get(key);
    if (existing !== null) return existing;
    if (value !== null && value !== undefined) await this.put(key, value);
    return null;
  }

  /**
   * Writes all entries in one atomic batch (a null value deletes); a later entry for a key wins. (A chained
   * batch: each operation goes to LevelDB's write batch as it is added, which costs the event loop a third
   * of what handing over an array of operation objects does.)
   */
  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): Promise<void> | void {
    this.checkOpen();
    for (let i = 0; i < entries.length; i++) {
      const key = entries[i]!.key;
      if (key === null || key === undefined) throw new IllegalArgumentError(`key cannot be null (store ${this.storeName})`);
    }
    for (let i = 0; i < entries.length; i++) this.writeBehind(entries[i]!.key, entries[i]!.value ?? null);
  }

  /**
   * Write-behind: the write is applied to the mirror (if any) and handed over; writes reach LevelDB in
   * batches (restored records through the same buffer). Without a mirror, scans and flushes wait for them
   * first and point reads look at them first (pendingOverlay).
   */
  private writeBehind(key: Buffer, value: Buffer | null): void {
    if (this.mirror !== null) this.mirrorWrite(this.mirror, key, value);
    this.pendingWrites.push({ key, value });
    this.pendingByKey?.set(key.toString('latin1'), value);
    if (this.pendingWrites.length >= WRITE_BATCH && this.writing === null) void this.writePending()?.catch(() => {});
  }

  private async writeBatch(db: Db, entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>, doing: string): Promise<void> {
    if (entries.length === 0) return;
    try {
      const batch = db.batch();
      for (let i = 0; i < entries.length; i++) {
        const { key, value } = entries[i]!;
        if (value === null || value === undefined) batch.del(key);
        else batch.put(key, value);
      }
      await batch.write();
    } catch (e) {
      throw this.error(doing, e);
    }
  }

  async delete(key: Buffer): Promise<Buffer | null> {
    const old = await this.get(key);
    if (old !== null) await this.put(key, null);
    return old;
  }

  range(from: Buffer | null, to: Buffer | null): KeyValueIterator<Buffer, Buffer> {
    return this.scan(from, to, false);
  }

  reverseRange(from: Buffer | null, to: Buffer | null): KeyValueIterator<Buffer, Buffer> {
    return this.scan(from, to, true);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.scan(null, null, false);
  }

  reverseAll(): KeyValueIterator<Buffer, Buffer> {
    return this.scan(null, null, true);
  }

  /**
   * The entries whose key starts with the serialized `prefix`, ascending: the range from the prefix to the
   * first key past every key with that prefix. (The serializer gets the store's name as its topic, as the
   * in-memory store's does; the metered layer hands this store the prefix already serialized.)
   */
  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): KeyValueIterator<Buffer, Buffer> {
    this.checkOpen();
    if (prefix === null || prefix === undefined) throw new IllegalArgumentError('prefix cannot be null');
    const bytes = prefixKeySerializer.serialize(this.storeName, prefix);
    if (bytes === null) throw new IllegalArgumentError(`the prefix serializer turned the prefix into null (store ${this.storeName})`);
    if (this.mirror !== null) return this.snapshot(this.mirror.prefixScan(prefix, prefixKeySerializer));
    const upper = prefixUpperBound(bytes);
    return this.iterator(upper === null ? { gte: bytes } : { gte: bytes, lt: upper });
  }

  /**
   * An estimate, as Java's (RocksDB's `estimate-num-keys`): exact up to 100,000 keys; past that, the keys
   * counted so far scaled by LevelDB's estimate of the bytes on disk beyond them.
   */
  async approximateNumEntries(): Promise<number> {
    const db = this.checkOpen();
    if (this.mirror !== null) return this.mirror.approximateNumEntries();
    await this.writePending();
    try {
      const keys = db.keys({ highWaterMarkBytes: 1 << 20 });
      let count = 0;
      let last: Buffer | null = null;
      try {
        while (true) {
          const chunk = await keys.nextv(MAX_CHUNK);
          if (chunk.length === 0) return count;
          count += chunk.length;
          last = chunk[chunk.length - 1]!;
          if (count >= EXACT_COUNT_LIMIT) break;
        }
      } finally {
        await keys.close();
      }
      const first = Buffer.alloc(0);
      const end = Buffer.alloc(256, 0xff); // past every realistic key
      const counted = await db.approximateSize(first, last);
      const rest = await db.approximateSize(last, end);
      if (counted <= 0) return count;
      return count + Math.round((rest / counted) * count);
    } catch (e) {
      throw this.error('counting the entries of', e);
    }
  }

  private scan(from: Buffer | null, to: Buffer | null, reverse: boolean): KeyValueIterator<Buffer, Buffer> {
    this.checkOpen();
    const hasFrom = from !== null && from !== undefined;
    const hasTo = to !== null && to !== undefined;
    // Java logs a warning and returns an empty iterator when from > to (e.g. serdes whose bytes do not
    // preserve the order of the values, like negative numbers in the built-in numeric serdes).
    if (hasFrom && hasTo && Buffer.compare(from, to) > 0) return new EmptyKeyValueIterator<Buffer, Buffer>();
    const mirror = this.mirror;
    if (mirror !== null) return this.snapshot(reverse ? mirror.reverseRange(from, to) : mirror.range(from, to));
    const options: IteratorBounds = { reverse };
    if (hasFrom) options.gte = from;
    if (hasTo) options.lte = to;
    return this.iterator(options);
  }

  /**
   * A scan of the mirror, read at once: the entries as they are now, as a LevelDB iterator reads its
   * snapshot (the in-memory store's own iterators would see later updates of the keys they hold).
   */
  private snapshot(scan: SyncKeyValueIterator<Buffer, Buffer>): KeyValueIterator<Buffer, Buffer> {
    const entries: Array<KeyValue<Buffer, Buffer>> = [];
    try {
      while (scan.hasNext()) entries.push(scan.next());
    } finally {
      scan.close();
    }
    const it = new SnapshotIterator(entries, this.storeName, this.openIterators);
    this.openIterators.add(it);
    return it;
  }

  private iterator(bounds: IteratorBounds): KeyValueIterator<Buffer, Buffer> {
    const db = this.checkOpen();
    const it = new LevelKeyValueIterator(this, db, bounds, this.openIterators);
    this.openIterators.add(it);
    if (this.writing === null && this.pendingWrites.length === 0) return it;
    // Writes still pending are laid over LevelDB's snapshot (which holds the batch in flight, or not: the
    // pending entries carry the same values), so that the scan sees the store as it is now, and need not
    // wait for them.
    const order = bounds.reverse ? (x: Buffer, y: Buffer) => Buffer.compare(y, x) : Buffer.compare;
    return new MergedSortedIterator(this.pendingIn(bounds), it, order);
  }

  /** The pending writes with keys within `bounds`, in the scan's order (a null value is a delete). */
  private pendingIn(bounds: IteratorBounds): Array<{ key: Buffer; value: Buffer | null }> {
    // latin1 strings compare as their bytes do
    const gte = bounds.gte?.toString('latin1');
    const lte = bounds.lte?.toString('latin1');
    const lt = bounds.lt?.toString('latin1');
    const keys: string[] = [];
    const overlay = this.pendingOverlay();
    for (const k of overlay.keys()) {
      if ((gte === undefined || k >= gte) && (lte === undefined || k <= lte) && (lt === undefined || k < lt)) keys.push(k);
    }
    keys.sort();
    if (bounds.reverse) keys.reverse();
    return keys.map((k) => ({ key: Buffer.from(k, 'latin1'), value: overlay.get(k)! }));
  }


  /** The restore callback: buffers changelog records and writes them in batches. */
  private restore(key: Buffer, value: Buffer | null): void {
    // a restored record's bytes may be a slice of a whole fetch response, which a mirror would keep alive
    this.writeBehind(this.mirror === null ? key : Buffer.from(key), value === null || value === undefined ? null : this.mirror === null ? value : compact(value));
  }

  /**
   * Writes the pending writes (one batch at a time); resolves when none is left. Null when
   * nothing is pending or being written.
   */
  private writePending(): Promise<void> | null {
    if (this.writing !== null) return this.writing;
    if (this.pendingWrites.length === 0) return null;
    const db = this.db;
    if (db === null) return null;
    const writeAll = async (): Promise<void> => {
      try {
        while (this.pendingWrites.length > 0) {
          const entries = this.pendingWrites;
          this.pendingWrites = [];
          this.inFlight = entries;
          await this.writeBatch(db, entries, 'writing');
        }
      } catch (e) {
        // kept, so that a background write that failed fails the next flush (and so the commit)
        this.writeFailure = e;
        throw e;
      } finally {
        this.writing = null;
        this.inFlight = [];
        if (this.pendingWrites.length === 0) this.pendingByKey = null;
      }
    };
    this.writing = writeAll();
    return this.writing;
  }

  private pendingOverlay(): Map<string, Buffer | null> {
    let overlay = this.pendingByKey;
    if (overlay === null) {
      overlay = new Map();
      for (const e of this.inFlight) overlay.set(e.key.toString('latin1'), e.value ?? null);
      for (const e of this.pendingWrites) overlay.set(e.key.toString('latin1'), e.value ?? null);
      this.pendingByKey = overlay;
    }
    return overlay;
  }

  /** The open database, or an `InvalidStateStoreError` when the store is closed. */
  checkOpen(): Db {
    const db = this.db;
    if (db === null) throw new InvalidStateStoreError(`Store ${this.storeName} is currently closed`);
    return db;
  }

  /** A LevelDB error as a `ProcessorStateError` naming the store (a closed database as Java's closed store). */
  error(doing: string, e: unknown): Error {
    if (e instanceof ProcessorStateError || e instanceof InvalidStateStoreError) return e;
    if (codeOf(e) === 'LEVEL_DATABASE_NOT_OPEN' || codeOf(e) === 'LEVEL_ITERATOR_NOT_OPEN') {
      return new InvalidStateStoreError(`Store ${this.storeName} is currently closed`, { cause: e });
    }
    return new ProcessorStateError(`Error ${doing} store ${this.storeName}: ${messageOf(e)}`, { cause: e });
  }
}

/** The iterators a store closes when it closes. */
interface StoreIterator {
  closeForStore(): Promise<void> | void;
}

/** A scan of a mirrored store (see `LevelKeyValueStore.snapshot`). */
class SnapshotIterator extends ArrayKeyValueIterator<Buffer, Buffer> implements StoreIterator {
  constructor(
    entries: ReadonlyArray<KeyValue<Buffer, Buffer>>,
    storeName: string,
    private readonly registry: Set<StoreIterator>,
  ) {
    super(entries, storeName);
  }

  override close(): void {
    this.registry.delete(this);
    super.close();
  }

  closeForStore(): void {
    super.close();
  }
}

interface IteratorBounds {
  gte?: Buffer;
  lte?: Buffer;
  lt?: Buffer;
  reverse?: boolean;
}

/**
 * A LevelDB iterator as a `KeyValueIterator`: entries are read in chunks (32 first, doubling up to 1024),
 * so `hasNext`/`next`/`peekNextKey` answer synchronously within a chunk and return a promise only when the
 * next chunk must be read.
 */
class LevelKeyValueIterator extends AbstractKeyValueIterator<Buffer, Buffer> {
  private it: LevelIterator | null;
  private chunk: Array<[Buffer, Buffer]> = [];
  private position = 0;
  private chunkSize = FIRST_CHUNK;
  private ended = false;
  private open = true;

  constructor(
    private readonly store: LevelKeyValueStore,
    private readonly db: Db,
    private readonly bounds: IteratorBounds,
    private readonly registry: Set<StoreIterator>,
  ) {
    super();
    // the snapshot is taken now, as Java's RocksDB iterator takes it on creation
    this.it = this.openLevelIterator();
  }

  hasNext(): boolean | Promise<boolean> {
    this.checkOpen();
    if (this.position < this.chunk.length) return true;
    if (this.ended) return false;
    return this.fill().then(() => this.position < this.chunk.length);
  }

  next(): KeyValue<Buffer, Buffer> | Promise<KeyValue<Buffer, Buffer>> {
    this.checkOpen();
    if (this.position < this.chunk.length) return this.take();
    return this.fill().then(() => this.take());
  }

  peekNextKey(): Buffer | Promise<Buffer> {
    this.checkOpen();
    if (this.position < this.chunk.length) return this.chunk[this.position]![0];
    return this.fill().then(() => {
      if (this.position >= this.chunk.length) throw this.noMore();
      return this.chunk[this.position]![0];
    });
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.registry.delete(this);
    await this.closeForStore();
  }

  /** Closes the iterator and releases its LevelDB iterator (also called by the store's `close`). */
  async closeForStore(): Promise<void> {
    this.open = false;
    this.chunk = [];
    const it = this.it;
    this.it = null;
    if (it !== null) await it.close();
  }

  private openLevelIterator(): LevelIterator {
    try {
      return this.db.iterator({ ...this.bounds, highWaterMarkBytes: 1 << 20 });
    } catch (e) {
      throw this.store.error('iterating', e);
    }
  }

  private take(): KeyValue<Buffer, Buffer> {
    if (this.position >= this.chunk.length) throw this.noMore();
    const [key, value] = this.chunk[this.position++]!;
    return { key, value };
  }

  private async fill(): Promise<void> {
    if (this.ended || this.position < this.chunk.length) return;
    const size = this.chunkSize;
    if (size < MAX_CHUNK) this.chunkSize = size * 2;
    let entries: Array<[Buffer, Buffer]>;
    try {
      entries = (await this.it!.nextv(size)) as Array<[Buffer, Buffer]>;
    } catch (e) {
      if (!this.open) throw this.closedError();
      throw this.store.error('iterating', e);
    }
    this.checkOpen();
    this.chunk = entries;
    this.position = 0;
    if (entries.length === 0) this.ended = true;
  }

  private checkOpen(): void {
    if (!this.open) throw this.closedError();
  }

  private closedError(): InvalidStateStoreError {
    return new InvalidStateStoreError(`Iterator for store ${this.store.name()} has already been closed`);
  }

  private noMore(): NoSuchElementError {
    return new NoSuchElementError(`No more entries in the iterator of store ${this.store.name()}`);
  }
}

/** Values below this size are copied into Node's shared Buffer pool (Node's own threshold for the pool). */
const POOLED = Buffer.poolSize >>> 1;

/**
 * A value read from LevelDB, as a slice of Node's Buffer pool. LevelDB hands each value over in a Buffer
 * of its own (its own ArrayBuffer and native allocation: some 250 bytes of bookkeeping for a 100-byte
 * value); the caching layer above keeps read values, so a compact copy saves a third of a cached entry's
 * memory, for one small copy per read.
 */
function compact(value: Buffer): Buffer {
  return value.length < POOLED ? Buffer.from(value) : value;
}

/** The smallest key greater than every key starting with `prefix`, or null when there is none (all 0xff). */
export function prefixUpperBound(prefix: Buffer): Buffer | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const upper = Buffer.from(prefix.subarray(0, end));
  upper[end - 1] = prefix[end - 1]! + 1;
  return upper;
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The store's options after the application's `rocksdb.config.setter`, if it has one. */
function configuredOptions(storeName: string, options: Required<LevelStoreOptions>, configs: Readonly<Record<string, unknown>>): Required<LevelStoreOptions> {
  const setter = configs[ROCKSDB_CONFIG_SETTER_CONFIG];
  if (setter === undefined || setter === null) return options;
  if (typeof setter !== 'function') {
    throw new ConfigError(`Invalid value for configuration ${ROCKSDB_CONFIG_SETTER_CONFIG}: expected a function (storeName, options, configs) => options`);
  }
  const changed = { ...options };
  const returned = (setter as LevelConfigSetter)(storeName, changed, configs);
  return { ...changed, ...(returned ?? {}) };
}
