import { IllegalArgumentError, SerializationError } from '../errors/streams-error.js';
import { SessionWindow, TimeWindow, Windowed, type WindowedLike } from '../dsl/windowed.js';
import type { Headers } from '../processor/headers.js';
import {
  MAX_TIME,
  TIMESTAMP_SIZE,
  sessionEnd,
  sessionKey,
  sessionKeyBytes,
  sessionStart,
  timeWindowedKey,
  windowEndForSize,
} from '../state/internals/window-key-schema.js';
import { readLongBE } from './serdes.js';
import type { Deserializer, Serde, Serializer } from './serde.js';

function serializeInner<K>(inner: Serializer<K>, topic: string, key: K, headers?: Headers): Buffer {
  const bytes = inner.serialize(topic, key, headers);
  if (bytes === null) throw new SerializationError(`The inner serializer of a windowed key turned the key ${String(key)} into null`);
  return bytes;
}

/** Java's `TimeWindowedSerializer`: `[key][8-byte big-endian window start]`. */
export class TimeWindowedSerializer<K> implements Serializer<WindowedLike<K>> {
  constructor(readonly inner: Serializer<K>) {}

  serialize(topic: string, data: WindowedLike<K> | null, headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    return timeWindowedKey(serializeInner(this.inner, topic, data.key, headers), data.window.start);
  }
}

/**
 * Java's `TimeWindowedDeserializer`: the end of the window is not in the bytes, so it is `start + windowSize`
 * (Java's default size, "Long.MAX", gives an unbounded end).
 */
export class TimeWindowedDeserializer<K> implements Deserializer<Windowed<K>> {
  constructor(
    readonly inner: Deserializer<K>,
    readonly windowSize: number = MAX_TIME,
  ) {}

  deserialize(topic: string, data: Buffer | null, headers?: Headers): Windowed<K> | null {
    if (data === null || data === undefined) return null;
    if (data.length < TIMESTAMP_SIZE) throw new SerializationError(`A time-windowed key needs at least 8 bytes, got ${data.length}`);
    const key = this.inner.deserialize(topic, data.subarray(0, data.length - TIMESTAMP_SIZE), headers) as K;
    const start = readLongBE(data, data.length - TIMESTAMP_SIZE, 'TimeWindowedDeserializer');
    return new Windowed(key, new TimeWindow(start, windowEndForSize(start, this.windowSize)));
  }
}

/** Java's `SessionWindowedSerializer`: `[key][8-byte end][8-byte start]`. */
export class SessionWindowedSerializer<K> implements Serializer<WindowedLike<K>> {
  constructor(readonly inner: Serializer<K>) {}

  serialize(topic: string, data: WindowedLike<K> | null, headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    return sessionKey(serializeInner(this.inner, topic, data.key, headers), data.window.start, data.window.end);
  }
}

export class SessionWindowedDeserializer<K> implements Deserializer<Windowed<K>> {
  constructor(readonly inner: Deserializer<K>) {}

  deserialize(topic: string, data: Buffer | null, headers?: Headers): Windowed<K> | null {
    if (data === null || data === undefined) return null;
    if (data.length < 2 * TIMESTAMP_SIZE) throw new SerializationError(`A session-windowed key needs at least 16 bytes, got ${data.length}`);
    const key = this.inner.deserialize(topic, sessionKeyBytes(data), headers) as K;
    return new Windowed(key, new SessionWindow(sessionStart(data), sessionEnd(data)));
  }
}

/** Java's `WindowedSerdes.TimeWindowedSerde`. */
export class TimeWindowedSerde<K> implements Serde<Windowed<K>> {
  private readonly ser: TimeWindowedSerializer<K>;
  private readonly deser: TimeWindowedDeserializer<K>;

  constructor(
    readonly inner: Serde<K>,
    readonly windowSize: number = MAX_TIME,
  ) {
    this.ser = new TimeWindowedSerializer(inner.serializer());
    this.deser = new TimeWindowedDeserializer(inner.deserializer(), windowSize);
  }

  serializer(): Serializer<Windowed<K>> {
    return this.ser;
  }

  deserializer(): Deserializer<Windowed<K>> {
    return this.deser;
  }
}

/** Java's `WindowedSerdes.SessionWindowedSerde`. */
export class SessionWindowedSerde<K> implements Serde<Windowed<K>> {
  private readonly ser: SessionWindowedSerializer<K>;
  private readonly deser: SessionWindowedDeserializer<K>;

  constructor(readonly inner: Serde<K>) {
    this.ser = new SessionWindowedSerializer(inner.serializer());
    this.deser = new SessionWindowedDeserializer(inner.deserializer());
  }

  serializer(): Serializer<Windowed<K>> {
    return this.ser;
  }

  deserializer(): Deserializer<Windowed<K>> {
    return this.deser;
  }
}

/**
 * Java's `WindowedSerdes`. Java takes the inner key's class (`timeWindowedSerdeFrom(String.class, size)`);
 * here the inner key's serde (`timeWindowedSerdeFrom(Serdes.String(), size)`).
 */
export class WindowedSerdes {
  private constructor() {}

  static timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSize: number): Serde<Windowed<K>> {
    if (inner === null || inner === undefined) throw new IllegalArgumentError('inner serde cannot be null');
    if (!(windowSize > 0)) throw new IllegalArgumentError(`windowSize must be positive, got ${windowSize}`);
    return new TimeWindowedSerde(inner, windowSize);
  }

  static sessionWindowedSerdeFrom<K>(inner: Serde<K>): Serde<Windowed<K>> {
    if (inner === null || inner === undefined) throw new IllegalArgumentError('inner serde cannot be null');
    return new SessionWindowedSerde(inner);
  }
}
