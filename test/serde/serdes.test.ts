import { describe, expect, it } from 'vitest';
import { SerializationError, StreamsError } from '../../src/errors/streams-error.js';
import type { Serde } from '../../src/serde/serde.js';
import { LongDeserializer, LongSerializer, Serdes, StringDeserializer, StringSerializer } from '../../src/serde/serdes.js';

const ser = <T>(serde: Serde<T>, value: T | null) => serde.serializer().serialize('t', value);
const de = <T>(serde: Serde<T>, bytes: Buffer | null) => serde.deserializer().deserialize('t', bytes);
const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));

describe('Serdes.Long', () => {
  const serde = Serdes.Long();
  it('encodes 8-byte big-endian two\'s complement like Java', () => {
    expect(hex(ser(serde, 0))).toBe('0000000000000000');
    expect(hex(ser(serde, 1))).toBe('0000000000000001');
    expect(hex(ser(serde, -1))).toBe('ffffffffffffffff');
    expect(hex(ser(serde, 256))).toBe('0000000000000100');
    expect(hex(ser(serde, -256))).toBe('ffffffffffffff00');
    expect(hex(ser(serde, 65536))).toBe('0000000000010000');
    expect(hex(ser(serde, 2 ** 32))).toBe('0000000100000000');
    expect(hex(ser(serde, -(2 ** 32)))).toBe('ffffffff00000000');
    expect(hex(ser(serde, Number.MAX_SAFE_INTEGER))).toBe('001fffffffffffff');
    expect(hex(ser(serde, Number.MIN_SAFE_INTEGER))).toBe('ffe0000000000001');
    expect(hex(ser(serde, -0))).toBe('0000000000000000');
  });

  it('round-trips, and matches BigInt encoding for many values', () => {
    const values = [0, 1, -1, 255, 256, -256, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32) - 1,
      1_700_000_000_000, -1_700_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (let i = 0; i < 1000; i++) values.push(Math.round((Math.random() - 0.5) * 2 * Number.MAX_SAFE_INTEGER));
    for (const v of values) {
      const bytes = ser(serde, v)!;
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(BigInt(v));
      expect(hex(bytes)).toBe(hex(expected));
      expect(de(serde, bytes)).toBe(v === 0 ? 0 : v);
    }
  });

  it('rejects non-integers, unsafe integers and non-numbers', () => {
    expect(() => ser(serde, 1.5)).toThrow(SerializationError);
    expect(() => ser(serde, Number.MAX_SAFE_INTEGER + 1)).toThrow(/integers in \[-9007199254740991, 9007199254740991\]/);
    expect(() => ser(serde, NaN)).toThrow(SerializationError);
    expect(() => ser(serde, Infinity)).toThrow(SerializationError);
    expect(() => ser(serde, '1' as unknown as number)).toThrow(/expects a number, got string "1"/);
  });

  it('rejects longs outside the safe range on deserialization', () => {
    expect(() => de(serde, Buffer.from('7fffffffffffffff', 'hex'))).toThrow(/9223372036854775807.*safe integer range/);
    expect(() => de(serde, Buffer.from('8000000000000000', 'hex'))).toThrow(SerializationError);
    expect(de(serde, Buffer.from('001fffffffffffff', 'hex'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => de(serde, Buffer.from('0020000000000000', 'hex'))).toThrow(SerializationError);
  });

  it('throws a SerializationError on the wrong number of bytes', () => {
    expect(() => de(serde, Buffer.alloc(4))).toThrow(SerializationError);
    expect(() => de(serde, Buffer.alloc(9))).toThrow('Size of data received by LongDeserializer is not 8: got 9 bytes');
    expect(() => de(serde, Buffer.alloc(0))).toThrow(/is not 8: got 0 bytes/);
    try {
      de(serde, Buffer.alloc(3));
    } catch (e) {
      expect(e).toBeInstanceOf(StreamsError);
      expect((e as StreamsError).code).toBe('SERIALIZATION_ERROR');
      expect((e as Error).name).toBe('SerializationError');
    }
  });

  it('has Java-named serializer classes', () => {
    expect(hex(new LongSerializer().serialize('t', 7))).toBe('0000000000000007');
    expect(new LongDeserializer().deserialize('t', Buffer.from('0000000000000007', 'hex'))).toBe(7);
  });
});

describe('Serdes.Integer / Short', () => {
  it('encodes 4-byte big-endian', () => {
    const serde = Serdes.Integer();
    expect(hex(ser(serde, 1))).toBe('00000001');
    expect(hex(ser(serde, -1))).toBe('ffffffff');
    expect(hex(ser(serde, 256))).toBe('00000100');
    expect(hex(ser(serde, 2147483647))).toBe('7fffffff');
    expect(hex(ser(serde, -2147483648))).toBe('80000000');
    for (const v of [0, 1, -1, 256, 2147483647, -2147483648]) expect(de(serde, ser(serde, v))).toBe(v);
    expect(() => ser(serde, 2147483648)).toThrow(SerializationError);
    expect(() => ser(serde, 0.5)).toThrow(SerializationError);
    expect(() => de(serde, Buffer.alloc(8))).toThrow('Size of data received by IntegerDeserializer is not 4: got 8 bytes');
  });

  it('encodes shorts in 2 bytes', () => {
    const serde = Serdes.Short();
    expect(hex(ser(serde, -2))).toBe('fffe');
    expect(de(serde, Buffer.from('7fff', 'hex'))).toBe(32767);
    expect(() => ser(serde, 40000)).toThrow(SerializationError);
    expect(() => de(serde, Buffer.alloc(1))).toThrow(/is not 2: got 1 byte$/);
  });
});

describe('Serdes.Double / Float', () => {
  it('encodes 8-byte IEEE 754 big-endian', () => {
    const serde = Serdes.Double();
    expect(hex(ser(serde, 1.0))).toBe('3ff0000000000000');
    expect(hex(ser(serde, -2.5))).toBe('c004000000000000');
    expect(hex(ser(serde, 0.1))).toBe('3fb999999999999a');
    for (const v of [0, 1.5, -1e300, Number.MIN_VALUE, Infinity, -Infinity]) expect(de(serde, ser(serde, v))).toBe(v);
    expect(de(serde, ser(serde, NaN))).toBeNaN();
    expect(() => de(serde, Buffer.alloc(4))).toThrow('Size of data received by DoubleDeserializer is not 8: got 4 bytes');
    expect(() => ser(serde, 'x' as unknown as number)).toThrow(SerializationError);
  });

  it('encodes floats in 4 bytes', () => {
    const serde = Serdes.Float();
    expect(hex(ser(serde, 1.0))).toBe('3f800000');
    expect(de(serde, ser(serde, 0.5))).toBe(0.5);
  });
});

describe('Serdes.String', () => {
  const serde = Serdes.String();
  it('encodes UTF-8', () => {
    expect(hex(ser(serde, 'é'))).toBe('c3a9');
    expect(hex(ser(serde, 'aé€😀'))).toBe('61c3a9e282ac f09f9880'.replace(' ', ''));
    expect(hex(ser(serde, ''))).toBe('');
    expect(de(serde, Buffer.from('c3a9', 'hex'))).toBe('é');
    for (const v of ['', 'hello', 'é', '日本語', 'a\u0000b', '😀']) expect(de(serde, ser(serde, v))).toBe(v);
    expect(new StringDeserializer().deserialize('t', new StringSerializer().serialize('t', 'x'))).toBe('x');
  });

  it('rejects non-strings', () => {
    expect(() => ser(serde, 5 as unknown as string)).toThrow('StringSerializer expects a string, got number 5');
  });
});

describe('Serdes.ByteArray', () => {
  it('passes bytes through', () => {
    const serde = Serdes.ByteArray();
    const b = Buffer.from([1, 2, 3]);
    expect(ser(serde, b)).toBe(b);
    expect(de(serde, b)).toBe(b);
    expect(hex(ser(serde, new Uint8Array([9, 8]) as Buffer))).toBe('0908');
    expect(() => ser(serde, 'x' as unknown as Buffer)).toThrow(SerializationError);
  });
});

describe('Serdes.Json', () => {
  it('encodes UTF-8 JSON', () => {
    const serde = Serdes.Json<{ a: number; s: string }>();
    expect(ser(serde, { a: 1, s: 'é' })!.toString('utf8')).toBe('{"a":1,"s":"é"}');
    expect(de(serde, Buffer.from('{"a":2,"s":"x"}'))).toEqual({ a: 2, s: 'x' });
    expect(de(Serdes.Json<number[]>(), ser(Serdes.Json<number[]>(), [1, 2]))).toEqual([1, 2]);
    expect(de(Serdes.Json<string>(), ser(Serdes.Json<string>(), 'x'))).toBe('x');
  });

  it('reports invalid JSON with the parse error as cause', () => {
    try {
      de(Serdes.Json(), Buffer.from('{nope'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SerializationError);
      expect((e as Error).message).toMatch(/JsonDeserializer received invalid JSON \(5 bytes\)/);
      expect((e as Error).cause).toBeInstanceOf(SyntaxError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => ser(Serdes.Json(), cyclic)).toThrow(SerializationError);
    expect(() => ser(Serdes.Json(), (() => 1) as unknown)).toThrow(SerializationError);
  });
});

describe('other serdes', () => {
  it('Boolean', () => {
    const serde = Serdes.Boolean();
    expect(hex(ser(serde, true))).toBe('01');
    expect(hex(ser(serde, false))).toBe('00');
    expect(de(serde, Buffer.from([1]))).toBe(true);
    expect(() => de(serde, Buffer.from([2]))).toThrow(SerializationError);
    expect(() => de(serde, Buffer.from([1, 0]))).toThrow(SerializationError);
  });

  it('UUID', () => {
    const serde = Serdes.UUID();
    const id = '123e4567-e89b-12d3-a456-426614174000';
    expect(ser(serde, id)!.toString()).toBe(id);
    expect(de(serde, Buffer.from(id))).toBe(id);
    expect(() => ser(serde, 'nope')).toThrow(SerializationError);
    expect(() => de(serde, Buffer.from('nope'))).toThrow(SerializationError);
  });

  it('Void', () => {
    expect(ser(Serdes.Void(), null)).toBeNull();
    expect(de(Serdes.Void(), null)).toBeNull();
    expect(() => de(Serdes.Void(), Buffer.alloc(1))).toThrow(SerializationError);
  });
});

describe('null handling', () => {
  const all: Array<[string, Serde<unknown>]> = [
    ['String', Serdes.String() as Serde<unknown>],
    ['Long', Serdes.Long() as Serde<unknown>],
    ['Integer', Serdes.Integer() as Serde<unknown>],
    ['Short', Serdes.Short() as Serde<unknown>],
    ['Double', Serdes.Double() as Serde<unknown>],
    ['Float', Serdes.Float() as Serde<unknown>],
    ['Boolean', Serdes.Boolean() as Serde<unknown>],
    ['ByteArray', Serdes.ByteArray() as Serde<unknown>],
    ['UUID', Serdes.UUID() as Serde<unknown>],
    ['Json', Serdes.Json()],
  ];
  it.each(all)('%s maps null to null both ways', (_name, serde) => {
    expect(serde.serializer().serialize('t', null)).toBeNull();
    expect(serde.deserializer().deserialize('t', null)).toBeNull();
  });
});

describe('Serdes.serdeFrom', () => {
  it('combines a serializer and a deserializer', () => {
    const serde = Serdes.serdeFrom<number>(
      { serialize: (_t, n) => (n === null ? null : Buffer.from(String(n))) },
      { deserialize: (_t, b) => (b === null ? null : Number(b.toString())) },
    );
    expect(serde.serializer().serialize('t', 42)!.toString()).toBe('42');
    expect(serde.deserializer().deserialize('t', Buffer.from('7'))).toBe(7);
    expect(() => Serdes.serdeFrom(null as never, null as never)).toThrow(StreamsError);
  });
});
