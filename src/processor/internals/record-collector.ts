import type { MaybePromise } from '../../util/maybe-promise.js';
import type { Headers } from '../headers.js';

/** Where sink nodes put serialized records: the driver's in-memory topics, or a Kafka producer. */
export interface RecordCollector {
  send(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    headers: Headers,
    timestamp: number,
    partition: number | null,
  ): void;
  /** The number of partitions of `topic`, for custom partitioners (a promise when it must be looked up). */
  partitionsFor(topic: string): MaybePromise<number>;
  flush(): Promise<void> | void;
  /**
   * The offset of the last record written to each `topic:partition` (known once flushed); the state manager
   * checkpoints changelog offsets from it. Collectors that have no offsets omit it.
   */
  offsets?(): ReadonlyMap<string, number>;
}
