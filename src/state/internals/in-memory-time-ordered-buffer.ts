import { Change } from '../../operators/change.js';
import { Headers } from '../../processor/headers.js';
import type { Deserializer, Serde, Serializer } from '../../serde/serde.js';
import { readLongBE, writeLongBE } from '../../serde/serdes.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import type { StateStore, StateStoreContext, StoreBuilder } from '../state-store.js';
import { storeChangelogTopic } from './metered-key-value-store.js';

/** What the buffer keeps of the record context of a buffered update (Java's `ProcessorRecordContext`). */
export interface BufferedRecordContext {
  readonly timestamp: number;
  readonly offset: number;
  readonly topic: string | null;
  readonly partition: number;
  readonly headers: Headers;
}

/** A record leaving the buffer (Java's `TimeOrderedKeyValueBuffer.Eviction`). */
export interface Eviction<K, V> {
  readonly key: K;
  readonly value: Change<V>;
  readonly recordContext: BufferedRecordContext;
}

interface BufferKey {
  readonly time: number;
  /** latin1 of the serialized key: ordered like the key bytes. */
  readonly k: string;
}

interface BufferValue {
  /** The value before the first buffered update of this key (what a downstream view would still show). */
  readonly priorValue: Buffer | null;
  readonly oldValue: Buffer | null;
  readonly newValue: Buffer | null;
  readonly context: BufferedRecordContext;
}

/** Java's changelog format version of the buffer (header "v"). */
const V3 = Buffer.from([3]);
const NULL_VALUE = -1;
const OLD_PREV_DUPLICATE = -2;

const compareKeys = (a: BufferKey, b: BufferKey): number => a.time - b.time || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

/**
 * Java's `InMemoryTimeOrderedKeyValueChangeBuffer`, the store behind `KTable.suppress`: the latest update of
 * each key, ordered by buffer time (then key bytes), with "non-resetting" semantics — a key updated again
 * keeps its place (its first buffer time). Its size estimate (for `maxBytes`) is Java's.
 *
 * With logging on, `flush()` (commit) writes each key changed since the last flush to the changelog:
 * the buffered value in Java's v3 layout (record context, prior/old/new values, buffer time; header v=3),
 * or a tombstone for a key that left the buffer. Restoration reads the same layout back.
 */
export class InMemoryTimeOrderedKeyValueChangeBuffer<K, V> implements StateStore {
  private readonly index = new Map<string, BufferKey>();
  private readonly values = new Map<string, BufferValue>();
  /** Buffer keys in order; entries before `head` have been evicted. */
  private sorted: BufferKey[] = [];
  private head = 0;
  private readonly dirtyKeys = new Set<string>();
  private memBufferSize = 0;
  private minTime = Number.MAX_SAFE_INTEGER;
  private context: StateStoreContext | null = null;
  private topic: string;
  private keySer!: Serializer<K>;
  private keyDeser!: Deserializer<K>;
  private valueSer!: Serializer<V>;
  private valueDeser!: Deserializer<V>;
  private open = false;

  constructor(
    private readonly storeName: string,
    private readonly loggingEnabled: boolean,
    private readonly keySerde: Serde<K> | null,
    private readonly valueSerde: Serde<V> | null,
  ) {
    this.topic = storeName;
  }

  name(): string {
    return this.storeName;
  }

  persistent(): boolean {
    return false;
  }

  isOpen(): boolean {
    return this.open;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.context = context;
    this.topic = storeChangelogTopic(context.applicationId(), this.storeName);
    // as Java's setSerdesIfNull: the table's serdes, else the configured defaults
    const keySerde = this.keySerde ?? (context.keySerde() as Serde<K> | null);
    const valueSerde = this.valueSerde ?? (context.valueSerde() as Serde<V> | null);
    if (keySerde !== null) {
      this.keySer = keySerde.serializer();
      this.keyDeser = keySerde.deserializer();
    }
    if (valueSerde !== null) {
      this.valueSer = valueSerde.serializer();
      this.valueDeser = valueSerde.deserializer();
    }
    context.register(root, (key, value) => this.restore(key, value));
    this.open = true;
  }

  numRecords(): number {
    return this.index.size;
  }

  bufferSize(): number {
    return this.memBufferSize;
  }

  minTimestamp(): number {
    return this.minTime;
  }

  /** Buffers the update of `key` at `time` (a key already buffered keeps its time and place). */
  put(time: number, key: K, change: Change<V>, recordContext: BufferedRecordContext): void {
    const k = this.serializeKey(key).toString('latin1');
    const oldValue = this.serializeValue(change.oldValue);
    const newValue = this.serializeValue(change.newValue);
    const buffered = this.values.get(k);
    // the prior value is the old value of the first update buffered for the key
    const priorValue = buffered === undefined ? oldValue : buffered.priorValue;
    this.cleanPut(time, k, { priorValue, oldValue, newValue, context: recordContext });
    if (this.loggingEnabled) this.dirtyKeys.add(k);
  }

  /**
   * While `predicate()` holds, hands the oldest buffered record to `callback` and removes it. Callbacks
   * run one after the other (a promise returned by one is awaited before the next).
   */
  evictWhile(predicate: () => boolean, callback: (eviction: Eviction<K, V>) => MaybePromise<void>): MaybePromise<void> {
    while (this.head < this.sorted.length && predicate()) {
      const bufferKey = this.sorted[this.head]!;
      const value = this.values.get(bufferKey.k)!;
      const eviction: Eviction<K, V> = {
        key: this.keyDeser.deserialize(this.topic, Buffer.from(bufferKey.k, 'latin1')) as K,
        value: new Change(this.deserializeValue(value.newValue), this.deserializeValue(value.oldValue)),
        recordContext: value.context,
      };
      this.head++;
      this.index.delete(bufferKey.k);
      this.values.delete(bufferKey.k);
      if (this.loggingEnabled) this.dirtyKeys.add(bufferKey.k);
      this.memBufferSize -= recordSize(bufferKey.k, value);
      this.minTime = this.head < this.sorted.length ? this.sorted[this.head]!.time : Number.MAX_SAFE_INTEGER;
      this.compact();
      const r = callback(eviction);
      if (isPromise(r)) return r.then(() => this.evictWhile(predicate, callback));
    }
  }

  /** Writes the keys changed since the last flush to the changelog (buffered value, or a tombstone). */
  flush(): void {
    if (!this.loggingEnabled || this.dirtyKeys.size === 0) return;
    const ctx = this.context!;
    for (const k of this.dirtyKeys) {
      const key = Buffer.from(k, 'latin1');
      const bufferKey = this.index.get(k);
      if (bufferKey === undefined) {
        ctx.logChange(this.storeName, key, null, ctx.recordTimestamp());
      } else {
        const headers = new Headers().add('v', V3);
        ctx.logChange(this.storeName, key, serializeBufferValue(this.values.get(k)!, bufferKey.time), ctx.recordTimestamp(), headers);
      }
    }
    this.dirtyKeys.clear();
  }

  close(): void {
    this.open = false;
    this.index.clear();
    this.values.clear();
    this.sorted = [];
    this.head = 0;
    this.dirtyKeys.clear();
    this.memBufferSize = 0;
    this.minTime = Number.MAX_SAFE_INTEGER;
  }

  private cleanPut(time: number, k: string, value: BufferValue): void {
    const previous = this.index.get(k);
    if (previous === undefined) {
      const bufferKey: BufferKey = { time, k };
      this.index.set(k, bufferKey);
      this.insertSorted(bufferKey);
      if (time < this.minTime) this.minTime = time;
      this.memBufferSize += recordSize(k, value);
    } else {
      const removed = this.values.get(k);
      this.memBufferSize += recordSize(k, value) - (removed === undefined ? 0 : recordSize(k, removed));
    }
    this.values.set(k, value);
  }

  private insertSorted(bufferKey: BufferKey): void {
    const sorted = this.sorted;
    const last = sorted[sorted.length - 1];
    if (last === undefined || sorted.length === this.head || compareKeys(last, bufferKey) < 0) {
      sorted.push(bufferKey);
      return;
    }
    let lo = this.head;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(sorted[mid]!, bufferKey) < 0) lo = mid + 1;
      else hi = mid;
    }
    sorted.splice(lo, 0, bufferKey);
  }

  private remove(k: string): void {
    const bufferKey = this.index.get(k);
    if (bufferKey === undefined) return;
    this.index.delete(k);
    const value = this.values.get(k);
    this.values.delete(k);
    if (value !== undefined) this.memBufferSize -= recordSize(k, value);
    const i = this.sorted.indexOf(bufferKey, this.head);
    if (i >= 0) this.sorted.splice(i, 1);
    this.minTime = this.head < this.sorted.length ? this.sorted[this.head]!.time : Number.MAX_SAFE_INTEGER;
  }

  /** Drops the evicted prefix of `sorted` once it is large. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.sorted.length) {
      this.sorted = this.sorted.slice(this.head);
      this.head = 0;
    }
  }

  /** Restores one changelog record (Java's v3 layout; a null value removes the key). */
  private restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('latin1');
    if (value === null) {
      this.remove(k);
      return;
    }
    const { bufferValue, time } = deserializeBufferValue(value);
    this.cleanPut(time, k, bufferValue);
  }

  private serializeKey(key: K): Buffer {
    const bytes = this.keySer.serialize(this.topic, key);
    if (bytes === null) throw new Error(`The key serializer of the suppression buffer ${this.storeName} turned a key into null`);
    return bytes;
  }

  private serializeValue(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.valueSer.serialize(this.topic, value);
  }

  private deserializeValue(bytes: Buffer | null): V | null {
    return bytes === null ? null : this.valueDeser.deserialize(this.topic, bytes);
  }
}

/** Java's `BufferValue.residentMemorySizeEstimate` plus the buffer time and key. */
function recordSize(k: string, value: BufferValue): number {
  let size = 8 + k.length;
  size += value.priorValue?.length ?? 0;
  size += value.oldValue === null || value.priorValue === value.oldValue ? 0 : value.oldValue.length;
  size += value.newValue?.length ?? 0;
  const ctx = value.context;
  size += 8 + 8 + (ctx.topic?.length ?? 0) + 4;
  for (const h of ctx.headers.toArray()) size += h.key.length + (h.value?.length ?? 0);
  return size;
}

/** Java's `ProcessorRecordContext.serialize`. */
function serializeContext(ctx: BufferedRecordContext): Buffer {
  const topic = Buffer.from(ctx.topic ?? '', 'utf8');
  const headers = ctx.headers.toArray().map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: h.value }));
  let size = 8 + 8 + 4 + topic.length + 4 + 4;
  for (const h of headers) size += 8 + h.key.length + (h.value?.length ?? 0);
  const out = Buffer.alloc(size);
  let p = 0;
  writeLongBE(out, ctx.timestamp, p);
  writeLongBE(out, ctx.offset, (p += 8));
  out.writeInt32BE(topic.length, (p += 8));
  topic.copy(out, (p += 4));
  out.writeInt32BE(ctx.partition, (p += topic.length));
  out.writeInt32BE(headers.length, (p += 4));
  p += 4;
  for (const h of headers) {
    out.writeInt32BE(h.key.length, p);
    h.key.copy(out, (p += 4));
    p += h.key.length;
    if (h.value === null) {
      out.writeInt32BE(-1, p);
      p += 4;
    } else {
      out.writeInt32BE(h.value.length, p);
      h.value.copy(out, (p += 4));
      p += h.value.length;
    }
  }
  return out;
}

/** Java's v3 changelog value: `BufferValue.serialize(8)` followed by the buffer time. */
function serializeBufferValue(value: BufferValue, time: number): Buffer {
  const context = serializeContext(value.context);
  const prior = value.priorValue;
  const old = value.oldValue;
  const sizeOfOld = old === null || prior === old ? 0 : old.length;
  const out = Buffer.alloc(context.length + 4 + (prior?.length ?? 0) + 4 + sizeOfOld + 4 + (value.newValue?.length ?? 0) + 8);
  let p = context.copy(out, 0);
  p = writeValue(out, p, prior);
  if (old === null) {
    out.writeInt32BE(NULL_VALUE, p);
    p += 4;
  } else if (prior !== null && prior.equals(old)) {
    out.writeInt32BE(OLD_PREV_DUPLICATE, p);
    p += 4;
  } else {
    out.writeInt32BE(old.length, p);
    p += 4 + old.copy(out, p + 4);
  }
  p = writeValue(out, p, value.newValue);
  writeLongBE(out, time, p);
  return out;
}

function writeValue(out: Buffer, p: number, value: Buffer | null): number {
  if (value === null) {
    out.writeInt32BE(NULL_VALUE, p);
    return p + 4;
  }
  out.writeInt32BE(value.length, p);
  return p + 4 + value.copy(out, p + 4);
}

function deserializeBufferValue(data: Buffer): { bufferValue: BufferValue; time: number } {
  let p = 0;
  const timestamp = readLongBE(data, p);
  const offset = readLongBE(data, (p += 8));
  const topicLength = data.readInt32BE((p += 8));
  const topic = data.toString('utf8', (p += 4), p + topicLength);
  const partition = data.readInt32BE((p += topicLength));
  const headerCount = data.readInt32BE((p += 4));
  p += 4;
  const headers = new Headers();
  for (let i = 0; i < headerCount; i++) {
    const keyLength = data.readInt32BE(p);
    const key = data.toString('utf8', (p += 4), p + keyLength);
    const valueLength = data.readInt32BE((p += keyLength));
    p += 4;
    if (valueLength < 0) headers.add(key, null);
    else {
      headers.add(key, Buffer.from(data.subarray(p, p + valueLength)));
      p += valueLength;
    }
  }
  const readValue = (): Buffer | null => {
    const n = data.readInt32BE(p);
    p += 4;
    if (n < 0) return null;
    const v = Buffer.from(data.subarray(p, p + n));
    p += n;
    return v;
  };
  const priorValue = readValue();
  const oldLength = data.readInt32BE(p);
  let oldValue: Buffer | null;
  if (oldLength === OLD_PREV_DUPLICATE) {
    p += 4;
    oldValue = priorValue;
  } else oldValue = readValue();
  const newValue = readValue();
  const time = readLongBE(data, p);
  return { bufferValue: { priorValue, oldValue, newValue, context: { timestamp, offset, topic, partition, headers } }, time };
}

/**
 * Java's `InMemoryTimeOrderedKeyValueChangeBuffer.Builder`. Caching does not apply to the buffer (the
 * builder ignores it, as Java's); logging is on unless disabled.
 */
export class TimeOrderedBufferBuilder<K, V> implements StoreBuilder<InMemoryTimeOrderedKeyValueChangeBuffer<K, V>> {
  private logging = true;
  private topicConfig: Record<string, string> = {};

  constructor(
    private readonly storeName: string,
    private readonly keySerde: Serde<K> | null,
    private readonly valueSerde: Serde<V> | null,
  ) {}

  name(): string {
    return this.storeName;
  }
  withCachingEnabled(): this {
    return this;
  }
  withCachingDisabled(): this {
    return this;
  }
  withLoggingEnabled(config: Readonly<Record<string, string>>): this {
    this.logging = true;
    this.topicConfig = { ...config };
    return this;
  }
  withLoggingDisabled(): this {
    this.logging = false;
    this.topicConfig = {};
    return this;
  }
  cachingEnabled(): boolean {
    return false;
  }
  loggingEnabled(): boolean {
    return this.logging;
  }
  logConfig(): Readonly<Record<string, string>> {
    return this.topicConfig;
  }
  build(): InMemoryTimeOrderedKeyValueChangeBuffer<K, V> {
    return new InMemoryTimeOrderedKeyValueChangeBuffer(this.storeName, this.logging, this.keySerde, this.valueSerde);
  }
}
