import { Headers } from '../src/processor/headers.js';

/**
 * Java's `TestRecord`: what is piped in and read out. Constructor order as Java:
 * `new TestRecord(key, value, headers?, timestamp?)`, or `new TestRecord(value)` for a keyless record.
 * A `null` timestamp means "use the input topic's current time".
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
      this.key = args[0] as K;
      this.value = args[1] as V;
      this.headers = (args[2] as Headers | null | undefined) ?? new Headers();
      this.timestamp = (args[3] as number | null | undefined) ?? null;
    }
  }

  /** Java's `getRecordTime()` in epoch milliseconds. */
  getRecordTime(): number | null {
    return this.timestamp;
  }
}
