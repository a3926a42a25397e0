import type { Headers } from '../src/processor/headers.js';

/** A record as a sink produced it: bytes, not yet read by a `TestOutputTopic`. */
export interface ProducedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  readonly timestamp: number;
}
