import type { Headers } from '../processor/headers.js';

/** Java's `Serializer<T>`: `null` stays `null` (tombstones are never serialized). */
export interface Serializer<T> {
  serialize(topic: string, data: T | null, headers?: Headers): Buffer | null;
}

/** Java's `Deserializer<T>`: `null` bytes give `null`. */
export interface Deserializer<T> {
  deserialize(topic: string, data: Buffer | null, headers?: Headers): T | null;
}

/** Java's `Serde<T>`. */
export interface Serde<T> {
  serializer(): Serializer<T>;
  deserializer(): Deserializer<T>;
}
