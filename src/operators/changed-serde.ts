import { SerializationError } from '../errors/streams-error.js';
import type { Headers } from '../processor/headers.js';
import type { Deserializer, Serde, Serializer } from '../serde/serde.js';
import type { DefaultableSerde } from '../serde/defaultable-serde.js';
import { Change } from './change.js';

const NEW_ONLY = 0;
const OLD_ONLY = 1;
const BOTH = 2;

/**
 * Serializes a `Change` for the repartition topic of a KTable grouping: the new value, the old value, or
 * both (when the grouping key did not change, so that subtract and add happen in one step, as Java ≥ 3.5).
 * Layout: value bytes, then a flag byte; with both: 4-byte length of the new value, new, old, flag.
 */
export class ChangedSerializer<V> implements Serializer<Change<V>>, DefaultableSerde {
  constructor(private inner: Serializer<V> | null) {}

  setIfUnset(_k: Serde<unknown> | null, defaultValueSerde: Serde<unknown> | null): void {
    this.inner ??= (defaultValueSerde?.serializer() as Serializer<V> | undefined) ?? null;
  }

  serialize(topic: string, change: Change<V> | null, headers?: Headers): Buffer | null {
    if (change === null) return null;
    const ser = this.inner;
    if (ser === null) throw new SerializationError(`No value serde for the repartition topic ${topic}: set Grouped.with(keySerde, valueSerde) or 'default.value.serde'.`);
    const nv = change.newValue === null ? null : ser.serialize(topic, change.newValue, headers);
    const ov = change.oldValue === null ? null : ser.serialize(topic, change.oldValue, headers);
    if (nv !== null && ov !== null) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(nv.length);
      return Buffer.concat([len, nv, ov, Buffer.from([BOTH])]);
    }
    if (nv !== null) return Buffer.concat([nv, Buffer.from([NEW_ONLY])]);
    if (ov !== null) return Buffer.concat([ov, Buffer.from([OLD_ONLY])]);
    throw new SerializationError(`Both old and new values are null in a Change written to ${topic}`);
  }
}

export class ChangedDeserializer<V> implements Deserializer<Change<V>>, DefaultableSerde {
  constructor(private inner: Deserializer<V> | null) {}

  setIfUnset(_k: Serde<unknown> | null, defaultValueSerde: Serde<unknown> | null): void {
    this.inner ??= (defaultValueSerde?.deserializer() as Deserializer<V> | undefined) ?? null;
  }

  deserialize(topic: string, data: Buffer | null, headers?: Headers): Change<V> | null {
    if (data === null) return null;
    const de = this.inner!;
    const flag = data[data.length - 1];
    const body = data.subarray(0, data.length - 1);
    switch (flag) {
      case NEW_ONLY:
        return new Change(de.deserialize(topic, body, headers), null);
      case OLD_ONLY:
        return new Change(null, de.deserialize(topic, body, headers));
      case BOTH: {
        const n = body.readInt32BE(0);
        return new Change(de.deserialize(topic, body.subarray(4, 4 + n), headers), de.deserialize(topic, body.subarray(4 + n), headers));
      }
      default:
        throw new SerializationError(`Malformed Change record on ${topic}: unknown flag ${String(flag)}`);
    }
  }
}
