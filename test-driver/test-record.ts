import { IllegalArgumentError } from '../src/errors/streams-error.js';
import { Headers } from '../src/processor/headers.js';

/**
 * Java's `TestRecord`: what is piped in and read out. Constructor order as Java:
 * `new TestRecord(key, value, headers?, timestamp?)`, or `new TestRecord(value)` for a keyless record.
 * A `null` timestamp means "use the input topic's current time"; a negative one is refused, as in Java.
 */
export class TestRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly headers: Headers;
  readonly timestamp: number | null;

  constructor(value: V);
  constructor(key: K, value: V, headers?: Headers | null, timestamp?: number | null);
  constructor(...args: unknown[]) {
    if (args.length === 1) {
      this.key = null as K;
      this.value = args[0] as V;
      this.headers = new Headers();
      this.timestamp = null;
    } else {
      const timestamp = (args[3] as number | null | undefined) ?? null;
      // as Java's `TestRecord(key, value, headers, Long timestampMs)`
      if (timestamp !== null && timestamp < 0) {
        throw new IllegalArgumentError(`Invalid timestamp: ${timestamp}. Timestamp should always be non-negative or null.`);
      }
      this.key = args[0] as K;
      this.value = args[1] as V;
      // Java copies the headers it is given (`new RecordHeaders(headers)`)
      const headers = args[2] as Headers | null | undefined;
      this.headers = headers instanceof Headers ? headers.copy() : new Headers(headers ?? []);
      this.timestamp = timestamp;
    }
  }

  /** Java's `getRecordTime()` in epoch milliseconds. */
  getRecordTime(): number | null {
    return this.timestamp;
  }
}
