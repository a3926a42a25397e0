/**
 * The segments of a persistent window/session store: a batch of writes (a cache flush) that spans
 * segments, where later writes expire the segment of earlier ones, writes each entry while its segment
 * is live and drops the expired segments afterwards, as Java writes them one by one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SegmentedBytesStore } from '../../src/state/internals/segmented-bytes-store.js';
import { toArray } from '../../src/state/iterators.js';
import { MockStateStoreContext } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A key that is its timestamp (8 bytes), so that the store's segment timestamp reads it back. */
const at = (t: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(t));
  return b;
};
const timeOf = (key: Buffer) => Number(key.readBigInt64BE(0));

describe('SegmentedBytesStore.putAll across expiring segments', () => {
  it('writes each entry into its live segment, then drops the expired ones; the store keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstreams-segments-'));
    dirs.push(dir);
    // retention 200, segments of 100: stream time t expires the segments before segment (t - 200) / 100
    const store = new SegmentedBytesStore('win', 200, 100, timeOf);
    const ctx = new MockStateStoreContext({ stateDir: dir });
    await store.init(ctx, {
      name: () => 'win',
      init: () => undefined,
      flush: () => undefined,
      close: () => undefined,
      persistent: () => true,
      isOpen: () => true,
    } as never);
    await store.putAll([{ key: at(50), value: Buffer.from('a') }]); // segment 0
    await store.putAll([{ key: at(150), value: Buffer.from('b') }]); // segment 1
    // in one batch: segment 1's writes are checked at stream time 305 (which expires segment 0), then 420
    // expires segment 1 itself
    await store.putAll([
      { key: at(190), value: Buffer.from('x') },
      { key: at(305), value: Buffer.from('c') },
      { key: at(195), value: Buffer.from('late but live at 305') },
      { key: at(420), value: Buffer.from('d') },
    ]);
    await store.flush();
    expect(store.segments.segmentIds()).toEqual([3, 4]);
    const rows = await toArray(store.scan(0, 1000, null, null, true, () => true, (kv) => ({ key: timeOf(kv.key), value: kv.value.toString() })));
    expect(rows).toEqual([
      { key: 305, value: 'c' },
      { key: 420, value: 'd' },
    ]);
    await store.close();
  });
});
