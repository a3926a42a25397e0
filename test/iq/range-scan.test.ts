import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, type ScanPosition } from '../../src/iq/page-token.js';
import { scanPage, type PartitionReader, type Row } from '../../src/iq/range-scan.js';

/** Partitions of sorted keys, read like the owners do: strictly after `after`, up to `limit`, with a "more" flag. */
function reader(partitions: string[][], reads: Array<{ partition: number; after: string | null; limit: number }> = []): PartitionReader {
  return async (partition, after, limit) => {
    reads.push({ partition, after, limit });
    const rest = partitions[partition]!.filter((k) => after === null || k > after);
    return { rows: rest.slice(0, limit).map((key) => ({ key, value: key.toUpperCase() })), more: rest.length > limit };
  };
}

async function scanAll(partitions: string[][], limit: number): Promise<{ rows: Row[]; pages: number }> {
  const start: ScanPosition = { store: 's', from: null, to: null, partition: 0, after: null };
  const rows: Row[] = [];
  let page = await scanPage(start, limit, partitions.length, reader(partitions));
  let pages = 1;
  rows.push(...page.rows);
  while (page.next !== null) {
    expect(page.rows.length).toBe(limit);
    page = await scanPage(decodePageToken(page.next, 's'), limit, partitions.length, reader(partitions));
    rows.push(...page.rows);
    pages++;
  }
  return { rows, pages };
}

describe('paged scans over every partition', () => {
  const partitions = [['a1', 'a2', 'a3', 'a4', 'a5'], [], ['c1'], ['d1', 'd2', 'd3']];
  const all = partitions.flat();

  for (const limit of [1, 2, 3, 4, 9, 100]) {
    it(`returns every row exactly once, in partition then key order (page size ${limit})`, async () => {
      const { rows, pages } = await scanAll(partitions, limit);
      expect(rows.map((r) => r.key)).toEqual(all);
      expect(rows.map((r) => r.value)).toEqual(all.map((k) => k.toUpperCase()));
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
    });
  }

  it('fills a page from the next partitions and resumes strictly after the last key', async () => {
    const reads: Array<{ partition: number; after: string | null; limit: number }> = [];
    const start: ScanPosition = { store: 's', from: 'a', to: 'z', partition: 0, after: null };
    const page = await scanPage(start, 7, partitions.length, reader(partitions, reads));
    expect(page.rows.map((r) => r.key)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'c1', 'd1']);
    expect(reads).toEqual([
      { partition: 0, after: null, limit: 7 },
      { partition: 1, after: null, limit: 2 },
      { partition: 2, after: null, limit: 2 },
      { partition: 3, after: null, limit: 1 },
    ]);
    expect(decodePageToken(page.next!, 's')).toEqual({ store: 's', from: 'a', to: 'z', partition: 3, after: 'd1' });
  });

  it('an empty store is one empty page', async () => {
    expect(await scanPage({ store: 's', from: null, to: null, partition: 0, after: null }, 10, 3, reader([[], [], []]))).toEqual({ rows: [], next: null });
  });

  it('tokens are opaque, round-trip, and are checked', () => {
    const position: ScanPosition = { store: 'orders-view', from: null, to: 'o-9', partition: 4, after: 'o-17' };
    const token = encodePageToken(position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, 'orders-view')).toEqual(position);
    expect(() => decodePageToken(token, 'other')).toThrow(/belongs to a scan of store orders-view, not other/);
    expect(() => decodePageToken('not-a-token', 's')).toThrow(/malformed/);
    expect(() => decodePageToken(encodePageToken({ ...position, partition: -1 }), 'orders-view')).toThrow(/malformed/);
  });
});
