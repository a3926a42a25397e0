import { IllegalArgumentError, SerializationError } from '../errors/streams-error.js';
import type { Headers } from '../processor/headers.js';
import type { Deserializer, Serde, Serializer } from './serde.js';

/*
 * The built-in serializers, deserializers and serdes, byte-compatible with Java's
 * (org.apache.kafka.common.serialization). As in Java, `null` always maps to `null` in both directions.
 * Every (de)serializer here is stateless, so `Serdes.X()` hands out shared instances.
 */

const TWO_POW_32 = 0x1_0000_0000;

function describe(data: unknown): string {
  if (data === null) return 'null';
  if (typeof data === 'string') return `string ${JSON.stringify(data.length > 40 ? `${data.slice(0, 40)}…` : data)}`;
  if (typeof data === 'number' || typeof data === 'bigint' || typeof data === 'boolean') return `${typeof data} ${String(data)}`;
  if (Buffer.isBuffer(data)) return `Buffer of ${data.length} bytes`;
  return typeof data === 'object' ? `object ${Object.prototype.toString.call(data)}` : typeof data;
}

function checkSize(deserializer: string, data: Buffer, expected: number): void {
  if (data.length !== expected) {
    throw new SerializationError(
      `Size of data received by ${deserializer} is not ${expected}: got ${data.length} byte${data.length === 1 ? '' : 's'}`,
    );
  }
}

/**
 * Writes a safe integer as an 8-byte big-endian two's complement long (Java's `long` layout) at `offset`.
 * The caller has checked `Number.isSafeInteger(value)`.
 */
export function writeLongBE(buffer: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_POW_32); // two's complement high word, -2^21 ≤ high < 2^21
  buffer.writeInt32BE(high, offset);
  buffer.writeUInt32BE(value - high * TWO_POW_32, offset + 4);
}

/** Reads an 8-byte big-endian long at `offset`; throws if it is outside JavaScript's safe integer range. */
export function readLongBE(buffer: Buffer, offset: number, what = 'LongDeserializer'): number {
  const value = buffer.readInt32BE(offset) * TWO_POW_32 + buffer.readUInt32BE(offset + 4);
  if (!Number.isSafeInteger(value)) {
    throw new SerializationError(
      `${what} read the long ${buffer.readBigInt64BE(offset)}, which is outside JavaScript's safe integer range ` +
        `[${Number.MIN_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}] and cannot be represented exactly as a number`,
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------- String

/** Java's `StringSerializer` (UTF-8). */
export class StringSerializer implements Serializer<string> {
  serialize(_topic: string, data: string | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string') throw new SerializationError(`StringSerializer expects a string, got ${describe(data)}`);
    return Buffer.from(data, 'utf8');
  }
}

/** Java's `StringDeserializer` (UTF-8). */
export class StringDeserializer implements Deserializer<string> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): string | null {
    if (data === null || data === undefined) return null;
    return data.toString('utf8');
  }
}

// ---------------------------------------------------------------------------------------------- Long

/** Java's `LongSerializer`: 8 bytes, big-endian two's complement. The value must be a safe integer. */
export class LongSerializer implements Serializer<number> {
  serialize(_topic: string, data: number | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (!Number.isSafeInteger(data)) {
      throw new SerializationError(
        typeof data === 'number'
          ? `LongSerializer can only serialize integers in [${Number.MIN_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}] exactly, got ${data}`
          : `LongSerializer expects a number, got ${describe(data)}`,
      );
    }
    const buffer = Buffer.allocUnsafe(8);
    writeLongBE(buffer, data, 0);
    return buffer;
  }
}

/** Java's `LongDeserializer`: 8 bytes, big-endian two's complement, into a (safe integer) `number`. */
export class LongDeserializer implements Deserializer<number> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): number | null {
    if (data === null || data === undefined) return null;
    checkSize('LongDeserializer', data, 8);
    return readLongBE(data, 0);
  }
}

// ---------------------------------------------------------------------------------------------- Integer

/** Java's `IntegerSerializer`: 4 bytes, big-endian two's complement. */
export class IntegerSerializer implements Serializer<number> {
  serialize(_topic: string, data: number | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (!Number.isInteger(data) || data < -0x8000_0000 || data > 0x7fff_ffff) {
      throw new SerializationError(
        typeof data === 'number'
          ? `IntegerSerializer can only serialize integers in [-2147483648, 2147483647], got ${data}`
          : `IntegerSerializer expects a number, got ${describe(data)}`,
      );
    }
    const buffer = Buffer.allocUnsafe(4);
    buffer.writeInt32BE(data, 0);
    return buffer;
  }
}

/** Java's `IntegerDeserializer`. */
export class IntegerDeserializer implements Deserializer<number> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): number | null {
    if (data === null || data === undefined) return null;
    checkSize('IntegerDeserializer', data, 4);
    return data.readInt32BE(0);
  }
}

// ---------------------------------------------------------------------------------------------- Short

/** Java's `ShortSerializer`: 2 bytes, big-endian two's complement. */
export class ShortSerializer implements Serializer<number> {
  serialize(_topic: string, data: number | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (!Number.isInteger(data) || data < -0x8000 || data > 0x7fff) {
      throw new SerializationError(
        typeof data === 'number'
          ? `ShortSerializer can only serialize integers in [-32768, 32767], got ${data}`
          : `ShortSerializer expects a number, got ${describe(data)}`,
      );
    }
    const buffer = Buffer.allocUnsafe(2);
    buffer.writeInt16BE(data, 0);
    return buffer;
  }
}

/** Java's `ShortDeserializer`. */
export class ShortDeserializer implements Deserializer<number> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): number | null {
    if (data === null || data === undefined) return null;
    checkSize('ShortDeserializer', data, 2);
    return data.readInt16BE(0);
  }
}

// ---------------------------------------------------------------------------------------------- Double / Float

/** Java's `DoubleSerializer`: 8 bytes, IEEE 754 big-endian. */
export class DoubleSerializer implements Serializer<number> {
  serialize(_topic: string, data: number | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'number') throw new SerializationError(`DoubleSerializer expects a number, got ${describe(data)}`);
    const buffer = Buffer.allocUnsafe(8);
    buffer.writeDoubleBE(data, 0);
    return buffer;
  }
}

/** Java's `DoubleDeserializer`. */
export class DoubleDeserializer implements Deserializer<number> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): number | null {
    if (data === null || data === undefined) return null;
    checkSize('DoubleDeserializer', data, 8);
    return data.readDoubleBE(0);
  }
}

/** Java's `FloatSerializer`: 4 bytes, IEEE 754 big-endian (the value is rounded to single precision). */
export class FloatSerializer implements Serializer<number> {
  serialize(_topic: string, data: number | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'number') throw new SerializationError(`FloatSerializer expects a number, got ${describe(data)}`);
    const buffer = Buffer.allocUnsafe(4);
    buffer.writeFloatBE(data, 0);
    return buffer;
  }
}

/** Java's `FloatDeserializer`. */
export class FloatDeserializer implements Deserializer<number> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): number | null {
    if (data === null || data === undefined) return null;
    checkSize('FloatDeserializer', data, 4);
    return data.readFloatBE(0);
  }
}

// ---------------------------------------------------------------------------------------------- Boolean

/** Java's `BooleanSerializer`: one byte, 0x01 or 0x00. */
export class BooleanSerializer implements Serializer<boolean> {
  serialize(_topic: string, data: boolean | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'boolean') throw new SerializationError(`BooleanSerializer expects a boolean, got ${describe(data)}`);
    return Buffer.from([data ? 1 : 0]);
  }
}

/** Java's `BooleanDeserializer`. */
export class BooleanDeserializer implements Deserializer<boolean> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): boolean | null {
    if (data === null || data === undefined) return null;
    checkSize('BooleanDeserializer', data, 1);
    if (data[0] === 1) return true;
    if (data[0] === 0) return false;
    throw new SerializationError(`Unexpected byte received by BooleanDeserializer: ${data[0]}`);
  }
}

// ---------------------------------------------------------------------------------------------- ByteArray

/** Java's `ByteArraySerializer`: the bytes as they are (a `Uint8Array` is viewed as a `Buffer`, not copied). */
export class ByteArraySerializer implements Serializer<Buffer> {
  serialize(_topic: string, data: Buffer | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (Buffer.isBuffer(data)) return data;
    if ((data as unknown) instanceof Uint8Array) {
      const view = data as Uint8Array;
      return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    }
    throw new SerializationError(`ByteArraySerializer expects a Buffer, got ${describe(data)}`);
  }
}

/** Java's `ByteArrayDeserializer`: the bytes as they are. */
export class ByteArrayDeserializer implements Deserializer<Buffer> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): Buffer | null {
    return data ?? null;
  }
}

// ---------------------------------------------------------------------------------------------- UUID

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Java's `UUIDSerializer`: the UUID's canonical string form in UTF-8. */
export class UUIDSerializer implements Serializer<string> {
  serialize(_topic: string, data: string | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    if (typeof data !== 'string' || !UUID_PATTERN.test(data)) {
      throw new SerializationError(`UUIDSerializer expects a UUID string, got ${describe(data)}`);
    }
    return Buffer.from(data, 'utf8');
  }
}

/** Java's `UUIDDeserializer`. */
export class UUIDDeserializer implements Deserializer<string> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): string | null {
    if (data === null || data === undefined) return null;
    const text = data.toString('utf8');
    if (!UUID_PATTERN.test(text)) throw new SerializationError(`UUIDDeserializer received bytes that are not a UUID: ${describe(text)}`);
    return text;
  }
}

// ---------------------------------------------------------------------------------------------- Void

/** Java's `VoidSerializer`: only `null`. */
export class VoidSerializer implements Serializer<null> {
  serialize(_topic: string, data: null, _headers?: Headers): Buffer | null {
    if (data !== null && data !== undefined) throw new SerializationError('Data should be null for a VoidSerializer');
    return null;
  }
}

/** Java's `VoidDeserializer`: only `null`. */
export class VoidDeserializer implements Deserializer<null> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): null {
    if (data !== null && data !== undefined) throw new SerializationError('Data should be null for a VoidDeserializer');
    return null;
  }
}

// ---------------------------------------------------------------------------------------------- JSON

/** UTF-8 JSON (`JSON.stringify` / `JSON.parse`). A JSON `null` is indistinguishable from a tombstone. */
export class JsonSerializer<T> implements Serializer<T> {
  serialize(_topic: string, data: T | null, _headers?: Headers): Buffer | null {
    if (data === null || data === undefined) return null;
    let text: string | undefined;
    try {
      text = JSON.stringify(data);
    } catch (cause) {
      throw new SerializationError(`JsonSerializer could not serialize ${describe(data)}: ${(cause as Error).message}`, { cause });
    }
    if (text === undefined) throw new SerializationError(`JsonSerializer cannot serialize ${describe(data)}`);
    return Buffer.from(text, 'utf8');
  }
}

/** UTF-8 JSON deserializer; invalid JSON throws a `SerializationError` whose `cause` is the parse error. */
export class JsonDeserializer<T> implements Deserializer<T> {
  deserialize(_topic: string, data: Buffer | null, _headers?: Headers): T | null {
    if (data === null || data === undefined) return null;
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (cause) {
      throw new SerializationError(`JsonDeserializer received invalid JSON (${data.length} bytes): ${(cause as Error).message}`, {
        cause,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------- Serdes

/** Java's `Serdes.WrapperSerde`: a serde made of a serializer and a deserializer. */
export class WrapperSerde<T> implements Serde<T> {
  constructor(
    private readonly ser: Serializer<T>,
    private readonly deser: Deserializer<T>,
  ) {}

  serializer(): Serializer<T> {
    return this.ser;
  }

  deserializer(): Deserializer<T> {
    return this.deser;
  }
}

const STRING: Serde<string> = Object.freeze(new WrapperSerde(new StringSerializer(), new StringDeserializer()));
const LONG: Serde<number> = Object.freeze(new WrapperSerde(new LongSerializer(), new LongDeserializer()));
const INTEGER: Serde<number> = Object.freeze(new WrapperSerde(new IntegerSerializer(), new IntegerDeserializer()));
const SHORT: Serde<number> = Object.freeze(new WrapperSerde(new ShortSerializer(), new ShortDeserializer()));
const DOUBLE: Serde<number> = Object.freeze(new WrapperSerde(new DoubleSerializer(), new DoubleDeserializer()));
const FLOAT: Serde<number> = Object.freeze(new WrapperSerde(new FloatSerializer(), new FloatDeserializer()));
const BOOLEAN: Serde<boolean> = Object.freeze(new WrapperSerde(new BooleanSerializer(), new BooleanDeserializer()));
const BYTE_ARRAY: Serde<Buffer> = Object.freeze(new WrapperSerde(new ByteArraySerializer(), new ByteArrayDeserializer()));
const UUID: Serde<string> = Object.freeze(new WrapperSerde(new UUIDSerializer(), new UUIDDeserializer()));
const VOID: Serde<null> = Object.freeze(new WrapperSerde(new VoidSerializer(), new VoidDeserializer()));
const JSON_SERDE: Serde<unknown> = Object.freeze(new WrapperSerde<unknown>(new JsonSerializer(), new JsonDeserializer()));

/** Java's `Serdes`: factories of the built-in serdes. */
export class Serdes {
  private constructor() {}

  /** UTF-8 strings. */
  static String(): Serde<string> {
    return STRING;
  }

  /** Java's `long`: 8-byte big-endian two's complement; the value is a safe-integer `number`. */
  static Long(): Serde<number> {
    return LONG;
  }

  /** Java's `int`: 4-byte big-endian two's complement. */
  static Integer(): Serde<number> {
    return INTEGER;
  }

  /** Java's `short`: 2-byte big-endian two's complement. */
  static Short(): Serde<number> {
    return SHORT;
  }

  /** Java's `double`: 8-byte IEEE 754 big-endian. */
  static Double(): Serde<number> {
    return DOUBLE;
  }

  /** Java's `float`: 4-byte IEEE 754 big-endian. */
  static Float(): Serde<number> {
    return FLOAT;
  }

  /** Java's `boolean`: one byte, 0x01 / 0x00. */
  static Boolean(): Serde<boolean> {
    return BOOLEAN;
  }

  /** Raw bytes, as `Buffer`. */
  static ByteArray(): Serde<Buffer> {
    return BYTE_ARRAY;
  }

  /** Java's `UUID` serde: the canonical string form in UTF-8; the value is the UUID string. */
  static UUID(): Serde<string> {
    return UUID;
  }

  /** Java's `Void` serde: only `null`. */
  static Void(): Serde<null> {
    return VOID;
  }

  /** UTF-8 JSON. */
  static Json<T = unknown>(): Serde<T> {
    return JSON_SERDE as Serde<T>;
  }

  /** Java's `Serdes.serdeFrom(serializer, deserializer)`. */
  static serdeFrom<T>(serializer: Serializer<T>, deserializer: Deserializer<T>): Serde<T> {
    if (serializer === null || serializer === undefined) throw new IllegalArgumentError('serializer must not be null');
    if (deserializer === null || deserializer === undefined) throw new IllegalArgumentError('deserializer must not be null');
    return new WrapperSerde(serializer, deserializer);
  }
}
