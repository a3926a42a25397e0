import { describe, expect, it } from 'vitest';
import { Serdes } from '../../src/index.js';
import { Change } from '../../src/operators/change.js';
import { Headers } from '../../src/processor/headers.js';
import { InMemoryTimeOrderedKeyValueChangeBuffer } from '../../src/state/internals/in-memory-time-ordered-buffer.js';
import { MockStateStoreContext } from './helpers.js';

const ctxOf = (timestamp: number, topic = 'in') => ({ timestamp, offset: 3, topic, partition: 0, headers: new Headers().add('h', 'x') });

describe('suppression buffer (Java InMemoryTimeOrderedKeyValueChangeBuffer)', () => {
  it('keeps the latest update per key in buffer-time order; a key updated again keeps its place', async () => {
    const ctx = new MockStateStoreContext();
    const buffer = new InMemoryTimeOrderedKeyValueChangeBuffer<string, number>('buf', false, Serdes.String(), Serdes.Long());
    buffer.init(ctx, buffer);
    buffer.put(5, 'b', new Change(1, null), ctxOf(5));
    buffer.put(3, 'a', new Change(1, null), ctxOf(3));
    buffer.put(9, 'b', new Change(2, 1), ctxOf(9));
    expect(buffer.numRecords()).toBe(2);
    expect(buffer.minTimestamp()).toBe(3);
    const out: string[] = [];
    await buffer.evictWhile(() => buffer.minTimestamp() <= 5, (e) => void out.push(`${e.key}=${e.value.newValue}@${e.recordContext.timestamp}`));
    expect(out).toEqual(['a=1@3', 'b=2@9']);
    expect(buffer.numRecords()).toBe(0);
  });

  it('logs dirty keys at flush in Java\'s v3 layout (header v=3) and restores from it; evicted keys become tombstones', async () => {
    const ctx = new MockStateStoreContext();
    const logged: Array<{ key: Buffer; value: Buffer | null }> = [];
    ctx.logChange = (_store, key, value) => void logged.push({ key, value });
    const buffer = new InMemoryTimeOrderedKeyValueChangeBuffer<string, number>('buf', true, Serdes.String(), Serdes.Long());
    buffer.init(ctx, buffer);
    buffer.put(7, 'k', new Change(2, 1), ctxOf(7));
    buffer.flush();
    expect(logged).toHaveLength(1);
    const restored = new InMemoryTimeOrderedKeyValueChangeBuffer<string, number>('buf', true, Serdes.String(), Serdes.Long());
    const ctx2 = new MockStateStoreContext();
    restored.init(ctx2, restored);
    ctx2.registered[0]!.restore!(logged[0]!.key, logged[0]!.value);
    const out: Array<unknown> = [];
    await restored.evictWhile(() => restored.numRecords() > 0, (e) => void out.push([e.key, e.value.newValue, e.value.oldValue, e.recordContext.timestamp, e.recordContext.headers.lastHeader('h')?.value?.toString()]));
    expect(out).toEqual([['k', 2, 1, 7, 'x']]);
    await buffer.evictWhile(() => true, () => undefined);
    buffer.flush();
    expect(logged[1]!.value).toBeNull();
  });
});
