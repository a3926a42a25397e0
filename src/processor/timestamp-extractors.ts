import { StreamsError } from '../errors/streams-error.js';
import type { TimestampExtractor } from './api.js';

type ExtractorRecord = Parameters<TimestampExtractor['extract']>[0];

/** Java's default `FailOnInvalidTimestamp`: the record's own timestamp; a negative one is an error. */
export class FailOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ExtractorRecord): number {
    if (record.timestamp < 0) {
      throw new StreamsError(
        `Input record from topic ${record.topic} partition ${record.partition} offset ${record.offset} has invalid (negative) timestamp ` +
          `${record.timestamp}. Use a different TimestampExtractor (default.timestamp.extractor) to process this data.`,
      );
    }
    return record.timestamp;
  }
}

/** Java's `LogAndSkipOnInvalidTimestamp`: a negative timestamp makes the record be skipped. */
export class LogAndSkipOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ExtractorRecord): number {
    if (record.timestamp < 0) console.warn(`Skipping record with invalid timestamp ${record.timestamp} (topic ${record.topic}, offset ${record.offset})`);
    return record.timestamp;
  }
}

/** Java's `UsePartitionTimeOnInvalidTimestamp`. */
export class UsePartitionTimeOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ExtractorRecord, partitionTime: number): number {
    if (record.timestamp >= 0) return record.timestamp;
    if (partitionTime < 0) throw new StreamsError(`Could not infer new timestamp for input record from topic ${record.topic} offset ${record.offset}: no valid partition time yet.`);
    return partitionTime;
  }
}

/** Java's `WallclockTimestampExtractor`. */
export class WallclockTimestampExtractor implements TimestampExtractor {
  extract(): number {
    return Date.now();
  }
}
