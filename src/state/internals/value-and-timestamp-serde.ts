import { SerializationError } from '../../errors/streams-error.js';
import type { Headers } from '../../processor/headers.js';
import type { Deserializer, Serde, Serializer } from '../../serde/serde.js';
import { readLongBE, writeLongBE } from '../../serde/serdes.js';
import { ValueAndTimestamp } from '../value-and-timestamp.js';

/*
 * Java's ValueAndTimestampSerde: what timestamped key-value stores hold, as Java lays it out — the
 * timestamp as an 8-byte big-endian long, followed by the bytes of the value.
 */

/** Serializes `ValueAndTimestamp<V>` as `[timestamp: 8 bytes BE][value bytes]`; a null value gives null. */
export class ValueAndTimestampSerializer<V> implements Serializer<ValueAndTimestamp<V>> {
  constructor(readonly valueSerializer: Serializer<V>) {}

  serialize(topic: string, data: ValueAndTimestamp<V> | null, headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    const raw = this.valueSerializer.serialize(topic, data.value, headers);
    if (raw === null) return null;
    const timestamp = data.timestamp;
    if (!Number.isSafeInteger(timestamp)) {
      throw new SerializationError(`ValueAndTimestampSerializer: the timestamp must be an integer, got ${timestamp}`);
    }
    const buffer = Buffer.allocUnsafe(8 + raw.length);
    writeLongBE(buffer, timestamp, 0);
    buffer.set(raw, 8);
    return buffer;
  }
}

/** Reads `[timestamp: 8 bytes BE][value bytes]` back into a `ValueAndTimestamp<V>`. */
export class ValueAndTimestampDeserializer<V> implements Deserializer<ValueAndTimestamp<V>> {
  constructor(readonly valueDeserializer: Deserializer<V>) {}

  deserialize(topic: string, data: Buffer | null, headers?: Headers): ValueAndTimestamp<V> | null {
    if (data === null || data === undefined) return null;
    const timestamp = timestampOf(data);
    const value = this.valueDeserializer.deserialize(topic, data.subarray(8), headers);
    return ValueAndTimestamp.make(value, timestamp);
  }
}

/** Java's `ValueAndTimestampSerde`, wrapping the serde of the plain value. */
export class ValueAndTimestampSerde<V> implements Serde<ValueAndTimestamp<V>> {
  private readonly ser: ValueAndTimestampSerializer<V>;
  private readonly deser: ValueAndTimestampDeserializer<V>;

  constructor(readonly valueSerde: Serde<V>) {
    this.ser = new ValueAndTimestampSerializer(valueSerde.serializer());
    this.deser = new ValueAndTimestampDeserializer(valueSerde.deserializer());
  }

  serializer(): Serializer<ValueAndTimestamp<V>> {
    return this.ser;
  }

  deserializer(): Deserializer<ValueAndTimestamp<V>> {
    return this.deser;
  }
}

/** The timestamp of serialized `ValueAndTimestamp` bytes (Java's `ValueAndTimestampDeserializer.timestamp`). */
export function timestampOf(valueAndTimestamp: Buffer): number {
  if (valueAndTimestamp.length < 8) {
    throw new SerializationError(
      `A serialized ValueAndTimestamp needs at least 8 bytes (the timestamp), got ${valueAndTimestamp.length}`,
    );
  }
  return readLongBE(valueAndTimestamp, 0, 'ValueAndTimestampDeserializer');
}

/** The value bytes of serialized `ValueAndTimestamp` bytes, without copying (Java's `rawValue`). */
export function rawValueOf(valueAndTimestamp: Buffer): Buffer {
  if (valueAndTimestamp.length < 8) {
    throw new SerializationError(
      `A serialized ValueAndTimestamp needs at least 8 bytes (the timestamp), got ${valueAndTimestamp.length}`,
    );
  }
  return valueAndTimestamp.subarray(8);
}
