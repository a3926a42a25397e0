import { Headers } from './headers.js';

/** Java's `org.apache.kafka.streams.processor.api.Record`: immutable; every `withX` returns a new one. */
export class Record<K, V> {
  readonly headers: Headers;

  constructor(
    readonly key: K,
    readonly value: V,
    readonly timestamp: number,
    headers?: Headers | null,
  ) {
    if (timestamp < 0) throw new RangeError(`Malformed Record: timestamp may not be negative. Got: ${timestamp}`);
    this.headers = headers ?? new Headers();
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
