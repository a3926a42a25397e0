import type { SourceNode } from './source-node.js';
import type { ConsumerRecord } from './consumer-record.js';

/** A deserialized record with its extracted timestamp, ready to be processed. */
export interface StampedRecord {
  readonly raw: ConsumerRecord;
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
}

/**
 * Java's `RecordQueue`: the buffered records of one partition of a task. The head is deserialized and
 * time-stamped lazily, so that the task can pick the partition whose head is oldest.
 */
export class RecordQueue {
  private readonly raw: ConsumerRecord[] = [];
  private rawIndex = 0;
  head: StampedRecord | null = null;
  /** The highest timestamp taken from this partition (Java's partition time), -1 before any. */
  partitionTime = -1;
  /** The offset of the last record processed from this partition, -1 before any. */
  consumedOffset = -1;
  /** Tie-breaker: partitions whose heads have the same timestamp are served in arrival order. */
  headSeq = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly source: SourceNode,
  ) {}

  add(record: ConsumerRecord): void {
    this.raw.push(record);
  }

  get size(): number {
    return this.raw.length - this.rawIndex + (this.head === null ? 0 : 1);
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  /** Takes the next raw record off the queue (to be deserialized by the task), or null. */
  nextRaw(): ConsumerRecord | null {
    if (this.rawIndex >= this.raw.length) return null;
    const r = this.raw[this.rawIndex++]!;
    if (this.rawIndex > 1024 && this.rawIndex * 2 > this.raw.length) {
      this.raw.splice(0, this.rawIndex);
      this.rawIndex = 0;
    }
    return r;
  }

  /** Drops every buffered record (a suspended task's partitions are fetched again from the committed offsets). */
  clear(): void {
    this.raw.length = 0;
    this.rawIndex = 0;
    this.head = null;
  }

  poll(): StampedRecord {
    const h = this.head!;
    this.head = null;
    if (h.timestamp > this.partitionTime) this.partitionTime = h.timestamp;
    return h;
  }
}
