import { IllegalArgumentError, StreamsError } from '../errors/streams-error.js';
import { Headers } from './headers.js';

/**
 * Java's `org.apache.kafka.streams.processor.api.Record`: immutable; every `withX` returns a new one.
 * As in Java, a record keeps its own copy of the headers it is given (copy-on-write, so cheap): adding a
 * header to a derived record, or to the `Headers` passed in, does not change this one.
 */
export class Record<K, V> {
  readonly headers: Headers;

  constructor(
    readonly key: K,
    readonly value: V,
    readonly timestamp: number,
    headers?: Headers | null,
  ) {
    if (timestamp < 0) {
      // Java: StreamsException("Malformed Record", IllegalArgumentException("Timestamp may not be negative. Got: ..."))
      const cause = new IllegalArgumentError(`Timestamp may not be negative. Got: ${timestamp}`);
      throw new StreamsError(`Malformed Record: ${cause.message}`, { cause });
    }
    this.headers = headers instanceof Headers ? headers.copy() : new Headers(headers ?? []);
  }

  withKey<NK>(key: NK): Record<NK, V> {
    return new Record(key, this.value, this.timestamp, this.headers);
  }

  withValue<NV>(value: NV): Record<K, NV> {
    return new Record(this.key, value, this.timestamp, this.headers);
  }

  withTimestamp(timestamp: number): Record<K, V> {
    return new Record(this.key, this.value, timestamp, this.headers);
  }

  withHeaders(headers: Headers): Record<K, V> {
    return new Record(this.key, this.value, this.timestamp, headers);
  }
}
