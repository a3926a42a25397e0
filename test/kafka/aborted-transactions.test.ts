/**
 * read_committed filtering of aborted transactions (kafkajs-internals.ts `dropAbortedRecords`), on the
 * cases kafkajs's own filter gets wrong: aborted transactions listed in abort order rather than by first
 * offset, and a fetch that starts inside aborted transactions.
 */
import { describe, expect, it } from 'vitest';
import { dropAbortedRecords, type AbortFilterRecord } from '../../src/kafka/kafkajs-internals.js';

const data = (offset: number, producerId: string, inTransaction = true): AbortFilterRecord => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  batchContext: { producerId, inTransaction },
});
const marker = (offset: number, producerId: string, type: 'ABORT' | 'COMMIT'): AbortFilterRecord => {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type === 'ABORT' ? 0 : 1, 2);
  return { offset: String(offset), key, isControlRecord: true, batchContext: { producerId, inTransaction: true } };
};
const offsets = (records: AbortFilterRecord[]) => records.filter((r) => r.isControlRecord !== true).map((r) => Number(r.offset));

describe('dropAbortedRecords', () => {
  it('drops the aborted transactions of several producers, whatever the order they are listed in', () => {
    // producers 30 (aborted, from 10), 36 (aborted, from 12), 40 (committed), interleaved
    const records = [data(10, '30'), data(11, '40'), data(12, '36'), data(13, '30'), data(14, '36'), data(15, '40'), marker(16, '40', 'COMMIT'), marker(17, '30', 'ABORT'), marker(18, '36', 'ABORT'), data(19, '36')];
    // listed in abort order, 36's first offset after 30's: kafkajs's filter lets 12 and 14 through
    const kept = dropAbortedRecords(records, [
      { producerId: '36', firstOffset: '12' },
      { producerId: '30', firstOffset: '10' },
    ]);
    expect(offsets(kept)).toEqual([11, 15, 19]);
    expect(kept.filter((r) => r.isControlRecord).map((r) => Number(r.offset))).toEqual([16, 17, 18]);
  });

  it('a fetch that starts inside aborted transactions still drops their records', () => {
    const records = [data(150, '2'), data(151, '1'), data(152, '3', false), marker(153, '1', 'ABORT'), marker(154, '2', 'ABORT'), data(155, '1')];
    const kept = dropAbortedRecords(records, [
      { producerId: '1', firstOffset: '100' },
      { producerId: '2', firstOffset: '120' },
    ]);
    expect(offsets(kept)).toEqual([152, 155]);
  });

  it('keeps everything when nothing was aborted, and non-transactional records always', () => {
    const records = [data(1, '5'), data(2, '6', false)];
    expect(dropAbortedRecords(records, [])).toEqual(records);
    expect(offsets(dropAbortedRecords(records, [{ producerId: '6', firstOffset: '0' }]))).toEqual([1, 2]);
  });
});
