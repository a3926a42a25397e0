import { describe, expect, it } from 'vitest';
import { defaultPartition, murmur2, toPositive } from '../../src/kafka/murmur2.js';

describe('murmur2 (Java default partitioner)', () => {
  it('matches the hashes of Java’s Utils.murmur2', () => {
    // Values from Kafka's own test of Utils.murmur2.
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, expected] of cases) expect(murmur2(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  it('hashes the empty key and every tail length', () => {
    expect(Number.isInteger(murmur2(new Uint8Array(0)))).toBe(true);
    const hashes = new Set([1, 2, 3, 4, 5].map((n) => murmur2(new Uint8Array(n).fill(7))));
    expect(hashes.size).toBe(5);
  });

  it('partitions like Java: toPositive (clear the sign bit), then modulo', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    const key = Buffer.from('21');
    expect(defaultPartition(key, 7)).toBe((-973932308 & 0x7fffffff) % 7);
    expect(defaultPartition(key, 1)).toBe(0);
    expect(() => defaultPartition(key, 0)).toThrow(RangeError);
  });
});
