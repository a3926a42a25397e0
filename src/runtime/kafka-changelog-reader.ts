import type { PartitionReader } from '../kafka/client-port.js';
import { UnknownTopicError } from '../kafka/errors.js';
import type { ChangelogReader, ChangelogRecord } from '../processor/internals/changelog-reader.js';
import { isRetriable, retrying } from './retry.js';

/** How long restoration retries retriable failures (leader moves, metadata not yet propagated) before failing. */
const RETRY_FOR_MS = 60_000;
const retriable = (e: unknown): boolean => isRetriable(e) || e instanceof UnknownTopicError;

/**
 * Restoration's view of the changelogs, over the client port's partition reader (manual assignment, no
 * group). Under exactly-once the reader is read_committed, so aborted changelog writes are never restored.
 *
 * Retriable client failures are retried for a while (Java's `task.timeout.ms` spirit): right after the
 * application created its changelog topics, their leaders may not be known everywhere yet
 * (NOT_LEADER_FOR_PARTITION on the first offset lookups). An unknown changelog is retried too: the
 * application created it before any task, so only metadata can be behind (a broker just restarted).
 */
export class KafkaChangelogReader implements ChangelogReader {
  constructor(private readonly reader: PartitionReader) {}

  async endOffset(topic: string, partition: number): Promise<number> {
    const [end] = await retrying(`end offset of ${topic}-${partition}`, RETRY_FOR_MS, () => this.reader.endOffsets([{ topic, partition }]), retriable);
    return end?.offset ?? 0;
  }

  async read(topic: string, partition: number, from: number, to: number, onBatch: (records: ChangelogRecord[]) => Promise<void> | void): Promise<void> {
    let position = from;
    await retrying(
      `restoring from ${topic}-${partition}`,
      RETRY_FOR_MS,
      () =>
        this.reader.readToEnd([{ topic, partition, offset: position }], async (batch) => {
          const records = batch.records.filter((r) => r.offset >= position && r.offset < to);
          if (records.length > 0) {
            await onBatch(records);
            position = records[records.length - 1]!.offset + 1;
          }
        }),
      retriable,
    );
  }
}
