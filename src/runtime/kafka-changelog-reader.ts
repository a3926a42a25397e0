import type { PartitionReader } from '../kafka/client-port.js';
import type { ChangelogReader, ChangelogRecord } from '../processor/internals/changelog-reader.js';

/**
 * Restoration's view of the changelogs, over the client port's partition reader (manual assignment, no
 * group). Under exactly-once the reader is read_committed, so aborted changelog writes are never restored.
 */
export class KafkaChangelogReader implements ChangelogReader {
  constructor(private readonly reader: PartitionReader) {}

  async endOffset(topic: string, partition: number): Promise<number> {
    const [end] = await this.reader.endOffsets([{ topic, partition }]);
    return end?.offset ?? 0;
  }

  async read(topic: string, partition: number, from: number, to: number, onBatch: (records: ChangelogRecord[]) => Promise<void> | void): Promise<void> {
    await this.reader.readToEnd([{ topic, partition, offset: from }], async (batch) => {
      const records = batch.records.filter((r) => r.offset < to);
      if (records.length > 0) await onBatch(records);
    });
  }
}
