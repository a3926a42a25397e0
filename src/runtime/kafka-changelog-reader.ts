import type { PartitionReader } from '../kafka/client-port.js';
import { KafkaClientError } from '../kafka/errors.js';
import type { ChangelogReader, ChangelogRecord } from '../processor/internals/changelog-reader.js';
import { log } from '../util/logger.js';

/** How long restoration retries retriable failures (leader moves, metadata not yet propagated) before failing. */
const RETRY_FOR_MS = 60_000;

/**
 * Restoration's view of the changelogs, over the client port's partition reader (manual assignment, no
 * group). Under exactly-once the reader is read_committed, so aborted changelog writes are never restored.
 *
 * Retriable client failures are retried for a while (Java's `task.timeout.ms` spirit): right after the
 * application created its changelog topics, their leaders may not be known everywhere yet
 * (NOT_LEADER_FOR_PARTITION on the first offset lookups).
 */
export class KafkaChangelogReader implements ChangelogReader {
  constructor(private readonly reader: PartitionReader) {}

  async endOffset(topic: string, partition: number): Promise<number> {
    const [end] = await retrying(`end offset of ${topic}-${partition}`, () => this.reader.endOffsets([{ topic, partition }]));
    return end?.offset ?? 0;
  }

  async read(topic: string, partition: number, from: number, to: number, onBatch: (records: ChangelogRecord[]) => Promise<void> | void): Promise<void> {
    let position = from;
    await retrying(`restoring from ${topic}-${partition}`, () =>
      this.reader.readToEnd([{ topic, partition, offset: position }], async (batch) => {
        const records = batch.records.filter((r) => r.offset >= position && r.offset < to);
        if (records.length > 0) {
          await onBatch(records);
          position = records[records.length - 1]!.offset + 1;
        }
      }),
    );
  }
}

async function retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof KafkaClientError) || !e.retriable || Date.now() > deadline) throw e;
      log.debug(`${what}: ${e.message}; retrying (attempt ${attempt})`);
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
    }
  }
}
