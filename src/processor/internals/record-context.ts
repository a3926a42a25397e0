import { Headers } from '../headers.js';
import type { RecordContext, RecordMetadata } from '../api.js';

/** Java's `ProcessorRecordContext`: where the record being processed came from (or a punctuation's). */
export class ProcessorRecordContext implements RecordContext, RecordMetadata {
  constructor(
    private readonly ts: number,
    private readonly off: number,
    private readonly part: number,
    private readonly topicName: string | null,
    private readonly hdrs: Headers,
  ) {}

  static forPunctuation(timestamp: number): ProcessorRecordContext {
    return new ProcessorRecordContext(timestamp, -1, -1, null, new Headers());
  }

  /** The same position with another timestamp and headers: what the children of a `forward` see. */
  withTimestampAndHeaders(timestamp: number, headers: Headers): ProcessorRecordContext {
    return new ProcessorRecordContext(timestamp, this.off, this.part, this.topicName, headers);
  }

  topic(): string {
    return this.topicName as string;
  }
  partition(): number {
    return this.part;
  }
  offset(): number {
    return this.off;
  }
  timestamp(): number {
    return this.ts;
  }
  headers(): Headers {
    return this.hdrs;
  }
  /** False during punctuation, where Java's `recordMetadata()` is empty. */
  hasMetadata(): boolean {
    return this.topicName !== null;
  }
}
