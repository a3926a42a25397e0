/**
 * The kafkajs produce internals we replace (src/kafka/kafkajs-produce-path.ts) must write exactly kafkajs's
 * bytes: each replacement is checked against kafkajs's own module, loaded afresh (the cached one may
 * already be ours), on seeded random inputs covering the edge cases of the wire format.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c, groupMessagesPerPartition, makeRecordEncoder } from '../../src/kafka/kafkajs-produce-path.js';

const require = createRequire(import.meta.url);

/** kafkajs's own version of a module, whatever the module cache holds now. */
function original<T>(path: string): T {
  const resolved = require.resolve(path);
  const cache = require.cache as Record<string, unknown>;
  const saved = cache[resolved];
  delete cache[resolved];
  try {
    return require(resolved) as T;
  } finally {
    if (saved !== undefined) cache[resolved] = saved;
  }
}

/** A seeded generator (mulberry32), so that a failure can be reproduced. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

type Encode = (args: Record<string, unknown>) => { buffer: Buffer };

describe('kafkajs produce path replacements', () => {
  it('the record encoder writes the bytes kafkajs writes (keys, values, headers, deltas at varint edges)', () => {
    const kafkajs = original<Encode>('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const ours = makeRecordEncoder(kafkajs as never) as unknown as Encode;
    const rnd = random(8);
    const chars = ['a', 'é', '€', '😀', 'Z', '0'];
    const str = () => Array.from({ length: rnd(20) }, () => chars[rnd(chars.length)]).join('');
    const bytes = () => [null, undefined, str(), Buffer.alloc(rnd(40_000), 7), Buffer.from(str())][rnd(5)];
    const deltas = [0, 1, -1, 63, 64, -64, -65, 127, 128, 2 ** 31, -(2 ** 31), 2 ** 40 + 3, -(2 ** 45), 1_700_000_000_000];
    for (let i = 0; i < 20_000; i++) {
      const headers: Record<string, unknown> | undefined = rnd(3) === 0 ? undefined : {};
      if (headers) for (let h = rnd(4); h > 0; h--) headers[str() || 'k'] = rnd(3) === 0 ? [Buffer.from(str()), str()] : Buffer.from(str());
      const args: Record<string, unknown> = {
        offsetDelta: [0, 1, 63, 64, 8191, 8192, 1e6, rnd(5000)][rnd(8)],
        timestampDelta: rnd(4) === 0 ? rnd(1e6) - 5e5 : deltas[rnd(deltas.length)],
        key: bytes(),
        value: bytes(),
        headers,
      };
      if (rnd(20) === 0) delete args.offsetDelta;
      if (rnd(20) === 0) delete args.timestampDelta;
      const expected = kafkajs(args).buffer;
      const actual = ours(args).buffer;
      if (!actual.equals(expected)) expect({ args, actual }).toEqual({ args, actual: expected });
    }
    // what kafkajs rejects, ours rejects the same way (it hands such records to kafkajs)
    expect(() => ours({ key: null, value: Buffer.from('x'), headers: { h: null } })).toThrow();
    expect(() => kafkajs({ key: null, value: Buffer.from('x'), headers: { h: null } })).toThrow();
  });

  it('the CRC-32C of a record batch equals the one kafkajs computes, at every length and alignment', () => {
    const kafkajs = original<(b: Buffer) => number>('kafkajs/src/protocol/recordBatch/crc32C/index.js');
    const rnd = random(3);
    for (let i = 0; i < 2_000; i++) {
      const b = Buffer.alloc(rnd(3000));
      for (let j = 0; j < b.length; j++) b[j] = rnd(256);
      const v = b.subarray(rnd(5));
      expect(crc32c(v)).toBe(kafkajs(v));
    }
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value
  });

  it('messages are grouped by partition as kafkajs groups them (order kept)', () => {
    type Group = (args: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: (a: { message: unknown }) => number }) => unknown;
    const kafkajs = original<Group>('kafkajs/src/producer/groupMessagesPerPartition.js');
    const rnd = random(5);
    const partitioner = ({ message }: { message: unknown }) => (message as { p: number }).p;
    for (let i = 0; i < 300; i++) {
      const messages = Array.from({ length: rnd(300) }, (_, j) => ({ p: rnd(7), j }));
      const args = { topic: 't', partitionMetadata: rnd(10) === 0 ? [] : [1, 2, 3], messages, partitioner };
      expect(groupMessagesPerPartition(args)).toEqual(kafkajs(args));
    }
  });
});
