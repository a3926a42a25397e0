/** A changelog record as restoration reads it. */
export interface ChangelogRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/**
 * Where restoration reads changelogs from: the Kafka runtime implements it over a manually assigned
 * consumer; tests implement it over recorded changelog records.
 */
export interface ChangelogReader {
  /** The offset after the partition's last record (0 for an empty or missing partition). */
  endOffset(topic: string, partition: number): Promise<number>;
  /** Reads records with offsets in [from, to), in order, handing them over in batches. */
  read(topic: string, partition: number, from: number, to: number, onBatch: (records: ChangelogRecord[]) => Promise<void> | void): Promise<void>;
}

/** Java's `StateRestoreListener`: progress of restoring each store's changelog partition. */
export interface StateRestoreListener {
  onRestoreStart?(topicPartition: { topic: string; partition: number }, storeName: string, startingOffset: number, endingOffset: number): void;
  onBatchRestored?(topicPartition: { topic: string; partition: number }, storeName: string, batchEndOffset: number, numRestored: number): void;
  onRestoreEnd?(topicPartition: { topic: string; partition: number }, storeName: string, totalRestored: number): void;
}
