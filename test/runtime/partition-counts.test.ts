// The partition counts custom stream partitioners are given on Kafka: known topics at once, other topics
// looked up once and cached; a failed lookup is not cached.
import { describe, expect, it } from 'vitest';
import { PartitionCounts } from '../../src/runtime/kafka-record-collector.js';

describe('PartitionCounts', () => {
  it('answers known topics synchronously and looks any other topic up once', async () => {
    const lookups: string[] = [];
    const counts = new PartitionCounts(new Map([['in', 6]]), async (topic) => {
      lookups.push(topic);
      return 3;
    });
    expect(counts.get('in')).toBe(6);
    const [a, b] = [counts.get('out'), counts.get('out')];
    expect(await a).toBe(3);
    expect(await b).toBe(3);
    expect(counts.get('out')).toBe(3); // cached as a number: no await on the next record's path
    expect(lookups).toEqual(['out']);
  });

  it('asks again after a failed lookup', async () => {
    let calls = 0;
    const counts = new PartitionCounts(new Map(), async () => {
      if (++calls === 1) throw new Error('unknown topic');
      return 2;
    });
    await expect(counts.get('out')).rejects.toThrow('unknown topic');
    expect(await counts.get('out')).toBe(2);
  });
});
