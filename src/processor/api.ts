import type { StateStore } from '../state/state-store.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import type { Headers } from './headers.js';
import type { Record } from './record.js';

/** Java's `PunctuationType`. */
export enum PunctuationType {
  STREAM_TIME = 'STREAM_TIME',
  WALL_CLOCK_TIME = 'WALL_CLOCK_TIME',
}

/** Java's `Punctuator`: called with the current stream time or wall-clock time. */
export type Punctuator = (timestamp: number) => MaybePromise<void>;

/** Java's `Cancellable`. */
export interface Cancellable {
  cancel(): void;
}

/** Java's `RecordMetadata`: where the record being processed came from. */
export interface RecordMetadata {
  topic(): string;
  partition(): number;
  offset(): number;
}

/** Java's `api.ProcessorContext`. */
export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  /**
   * Sends a record to all children, or to the named child. Returns a promise only when a downstream
   * processor is asynchronous; an async processor should await it.
   */
  forward<K extends KForward, V extends VForward>(record: Record<K, V>, childName?: string): MaybePromise<void>;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  getStateStore<S extends StateStore = StateStore>(name: string): S;
  commit(): void;
  /** `null` when there is no input record (punctuation), as Java's `Optional.empty()`. */
  recordMetadata(): RecordMetadata | null;
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** The task's metrics registry (Java's `metrics()`); optional for hand-made contexts in tests. */
  metrics?(): import('./internals/streams-metrics.js').StreamsMetrics;
  applicationId(): string;
  taskId(): string;
  appConfigs(): Readonly<globalThis.Record<string, unknown>>;
}

/** Java's `api.Processor`. `process` may return a promise: the task awaits it before the next record. */
export interface Processor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  init?(context: ProcessorContext<KOut, VOut>): MaybePromise<void>;
  process(record: Record<KIn, VIn>): MaybePromise<void>;
  close?(): MaybePromise<void>;
}

/** Java's `ProcessorSupplier`: a factory, called once per task. */
export type ProcessorSupplier<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> = () => Processor<
  KIn,
  VIn,
  KOut,
  VOut
>;

/** Java's `FixedKeyRecord`: a record whose key a processor cannot change. */
export interface FixedKeyRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
  withValue<NV>(value: NV): FixedKeyRecord<K, NV>;
  withTimestamp(timestamp: number): FixedKeyRecord<K, V>;
  withHeaders(headers: Headers): FixedKeyRecord<K, V>;
}

/** Java's `FixedKeyProcessorContext`: forwards only records whose key is unchanged. */
export interface FixedKeyProcessorContext<KForward = unknown, VForward = unknown>
  extends Omit<ProcessorContext<KForward, VForward>, 'forward'> {
  forward<V extends VForward>(record: FixedKeyRecord<KForward, V>, childName?: string): MaybePromise<void>;
}

/** Java's `FixedKeyProcessor` (used by `processValues`). */
export interface FixedKeyProcessor<KIn = unknown, VIn = unknown, VOut = unknown> {
  init?(context: FixedKeyProcessorContext<KIn, VOut>): MaybePromise<void>;
  process(record: FixedKeyRecord<KIn, VIn>): MaybePromise<void>;
  close?(): MaybePromise<void>;
}

export type FixedKeyProcessorSupplier<KIn = unknown, VIn = unknown, VOut = unknown> = () => FixedKeyProcessor<
  KIn,
  VIn,
  VOut
>;

/** Java's `TimestampExtractor`: `partitionTime` is the highest timestamp seen on the partition so far. */
export interface TimestampExtractor {
  extract(record: { topic: string; partition: number; offset: number; key: unknown; value: unknown; timestamp: number; headers: Headers }, partitionTime: number): number;
}

/** Java's `TopicNameExtractor` with its `RecordContext` reduced to what we have. */
export type TopicNameExtractor<K, V> = (key: K, value: V, recordContext: RecordContext) => string;

/** Java's `RecordContext`. */
export interface RecordContext {
  topic(): string | null;
  partition(): number;
  offset(): number;
  timestamp(): number;
  headers(): Headers;
}

/** Java's `StreamPartitioner`: returns a partition, or `null` for the producer's default. */
export type StreamPartitioner<K, V> = (topic: string, key: K, value: V, numPartitions: number) => number | null;
