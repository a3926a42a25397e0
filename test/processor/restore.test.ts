import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamsConfig } from '../../src/config/streams-config.js';
import { Headers } from '../../src/processor/headers.js';
import type { ChangelogReader, ChangelogRecord } from '../../src/processor/internals/changelog-reader.js';
import type { RecordCollector } from '../../src/processor/internals/record-collector.js';
import { StreamTask } from '../../src/processor/internals/stream-task.js';
import { Serdes, Stores, Topology, ValueAndTimestamp, type KeyValueStore, type Processor, type StateStore } from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';

/** A topic log in memory: what the task's collector writes, and what restoration reads back. */
class InMemoryLog implements RecordCollector, ChangelogReader {
  readonly partitions = new Map<string, ChangelogRecord[]>();
  send(topic: string, key: Buffer | null, value: Buffer | null, _h: Headers, timestamp: number, partition: number | null): void {
    const k = `${topic}:${partition ?? 0}`;
    const log = this.partitions.get(k) ?? [];
    this.partitions.set(k, log);
    log.push({ offset: log.length, key, value, timestamp });
  }
  partitionsFor(): number {
    return 1;
  }
  flush(): void {}
  offsets(): ReadonlyMap<string, number> {
    return new Map([...this.partitions].map(([k, log]) => [k, log.length - 1]));
  }
  async endOffset(topic: string, partition: number): Promise<number> {
    return this.partitions.get(`${topic}:${partition}`)?.length ?? 0;
  }
  async read(topic: string, partition: number, from: number, to: number, onBatch: (r: ChangelogRecord[]) => Promise<void> | void): Promise<void> {
    const log = this.partitions.get(`${topic}:${partition}`) ?? [];
    for (let i = from; i < to; i += 100) await onBatch(log.slice(i, Math.min(i + 100, to)));
  }
}

const S = Serdes.String();

/** word -> running count, in a logged store (persistent or in memory). */
function countingTopology(persistent: boolean): Topology {
  const count = (): Processor<string, string, void, void> => {
    let store: KeyValueStore<string, string>;
    return {
      init(ctx) {
        store = ctx.getStateStore('counts');
      },
      async process(r) {
        const n = Number((await store.get(r.value)) ?? '0') + 1;
        await store.put(r.value, String(n));
      },
    };
  };
  const supplier = persistent ? Stores.persistentKeyValueStore('counts') : Stores.inMemoryKeyValueStore('counts');
  return new Topology()
    .addSource('src', S.deserializer(), S.deserializer(), 'words')
    .addProcessor('count', count, 'src')
    .addStateStore(Stores.keyValueStoreBuilder(supplier, S, S), 'count');
}

function newTask(topology: Topology, log: InMemoryLog, stateDir: string, guarantee = 'at_least_once'): StreamTask {
  const builder = topology.internalTopologyBuilder.setApplicationId('app');
  return new StreamTask({
    id: '0_0',
    plan: builder.buildTopology(),
    builder,
    config: new StreamsConfig({ 'application.id': 'app', 'processing.guarantee': guarantee }),
    collector: log,
    clock: () => 0,
    stateDir,
  });
}

async function run(task: StreamTask, words: string[], firstOffset = 0): Promise<void> {
  words.forEach((w, i) =>
    task.addRecord({ topic: 'words', partition: 0, offset: firstOffset + i, timestamp: i, key: null, value: Buffer.from(w), headers: new Headers() }),
  );
  while (task.hasRecordsQueued()) await task.process();
  await task.commit();
}

async function contents(task: StreamTask): Promise<Array<[string, string]>> {
  const store = task.stateStores().get('counts') as unknown as KeyValueStore<string, string>;
  return (await toArray(store.all())).map(({ key, value }) => [key, value]);
}

const words = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `w${(i + offset) % 7}`);
const CHANGELOG = 'app-counts-changelog:0';

describe('restoration and checkpoints', () => {
  it('restores a persistent store into an empty state directory from its changelog alone', async () => {
    const log = new InMemoryLog();
    const original = newTask(countingTopology(true), log, mkdtempSync(join(tmpdir(), 'ks-restore-')));
    await original.initialize();
    await run(original, words(200));
    const expected = await contents(original);
    expect(expected).toEqual([
      ['w0', '29'],
      ['w1', '29'],
      ['w2', '29'],
      ['w3', '29'],
      ['w4', '28'],
      ['w5', '28'],
      ['w6', '28'],
    ]);
    await original.close();

    const events: string[] = [];
    const restored = newTask(countingTopology(true), log, mkdtempSync(join(tmpdir(), 'ks-restore-')));
    await restored.initializeStores();
    await restored.restore(log, {
      onRestoreStart: (tp, store, start, end) => events.push(`start ${tp.topic}-${tp.partition} ${store} ${start}..${end}`),
      onBatchRestored: (_tp, _s, last, n) => events.push(`batch ${last} ${n}`),
      onRestoreEnd: (_tp, _s, total) => events.push(`end ${total}`),
    });
    await restored.initializeTopology();
    expect(await contents(restored)).toEqual(expected);
    expect(events).toEqual(['start app-counts-changelog-0 counts 0..200', 'batch 99 100', 'batch 199 100', 'end 200']);
    await restored.close();
  });

  it('a clean close writes a checkpoint; a restart restores only the changelog tail written since', async () => {
    const log = new InMemoryLog();
    const dir = mkdtempSync(join(tmpdir(), 'ks-restore-'));
    const first = newTask(countingTopology(true), log, dir);
    await first.initialize();
    await run(first, words(100));
    await first.close();
    expect(readFileSync(join(dir, '.checkpoint'), 'utf8')).toBe('0\n1\napp-counts-changelog 0 99\n');

    // another instance owned the task meanwhile and wrote 50 more changes
    const other = newTask(countingTopology(true), log, mkdtempSync(join(tmpdir(), 'ks-restore-')));
    await other.initializeStores();
    await other.restore(log);
    await other.initializeTopology();
    await run(other, words(50, 100), 100);
    const expected = await contents(other);
    await other.close();

    const starts: Array<[number, number]> = [];
    const back = newTask(countingTopology(true), log, dir);
    await back.initializeStores();
    await back.restore(log, { onRestoreStart: (_tp, _s, start, end) => starts.push([start, end]) });
    await back.initializeTopology();
    expect(starts).toEqual([[100, 150]]);
    expect(await contents(back)).toEqual(expected);
    expect(back.changelogOffsets().get(CHANGELOG)).toBe(149);
    await back.close();
  });

  it('an in-memory store always restores its whole changelog', async () => {
    const log = new InMemoryLog();
    const dir = mkdtempSync(join(tmpdir(), 'ks-restore-'));
    const first = newTask(countingTopology(false), log, dir);
    await first.initialize();
    await run(first, words(30));
    const expected = await contents(first);
    await first.close();
    expect(existsSync(join(dir, '.checkpoint'))).toBe(false);
    const starts: number[] = [];
    const again = newTask(countingTopology(false), log, dir);
    await again.initializeStores();
    await again.restore(log, { onRestoreStart: (_tp, _s, start) => starts.push(start) });
    expect(starts).toEqual([0]);
    expect(await contents(again)).toEqual(expected);
    await again.close();
  });

  it('under exactly-once a task dir without a checkpoint (a crash) is wiped and fully restored', async () => {
    const log = new InMemoryLog();
    const dir = mkdtempSync(join(tmpdir(), 'ks-restore-'));
    const first = newTask(countingTopology(true), log, dir, 'exactly_once_v2');
    await first.initialize();
    await run(first, words(40));
    expect(existsSync(join(dir, '.checkpoint'))).toBe(false); // never while running under EOS
    // the crash: the store holds a write whose transaction then aborts (a read_committed reader never sees it)
    const store = (first.stateStores() as ReadonlyMap<string, StateStore>).get('counts') as unknown as KeyValueStore<string, string>;
    await store.put('uncommitted', '1');
    await store.flush();
    log.partitions.get(CHANGELOG)!.pop();
    await first.close(false);
    expect(existsSync(join(dir, '.checkpoint'))).toBe(false);

    const starts: number[] = [];
    const again = newTask(countingTopology(true), log, dir, 'exactly_once_v2');
    await again.initializeStores();
    await again.restore(log, { onRestoreStart: (_tp, _s, start) => starts.push(start) });
    expect(starts).toEqual([0]);
    const restored = await contents(again);
    expect(restored.find(([k]) => k === 'uncommitted')).toBeUndefined();
    expect(restored).toHaveLength(7);
    await again.close();
    expect(readFileSync(join(dir, '.checkpoint'), 'utf8')).toBe('0\n1\napp-counts-changelog 0 39\n');
  });

  it('a timestamped store gets its values back with their timestamps (the changelog holds plain values)', async () => {
    const log = new InMemoryLog();
    const topology = (): Topology => {
      const latest = (): Processor<string, string, void, void> => {
        let store: KeyValueStore<string, ValueAndTimestamp<string>>;
        return {
          init(ctx) {
            store = ctx.getStateStore('counts');
          },
          async process(r) {
            await store.put(r.value, ValueAndTimestamp.make(`seen-${r.value}`, r.timestamp));
          },
        };
      };
      return new Topology()
        .addSource('src', S.deserializer(), S.deserializer(), 'words')
        .addProcessor('latest', latest, 'src')
        .addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore('counts'), S, S), 'latest');
    };
    const first = newTask(topology(), log, mkdtempSync(join(tmpdir(), 'ks-restore-')));
    await first.initialize();
    await run(first, words(20));
    await first.close();
    expect(log.partitions.get(CHANGELOG)![0]!.value!.toString()).toBe('seen-w0'); // plain value, timestamp on the record

    const again = newTask(topology(), log, mkdtempSync(join(tmpdir(), 'ks-restore-')));
    await again.initializeStores();
    await again.restore(log);
    await again.initializeTopology();
    const store = again.stateStores().get('counts') as unknown as KeyValueStore<string, ValueAndTimestamp<string>>;
    expect(await store.get('w6')).toEqual(ValueAndTimestamp.make('seen-w6', 13));
    expect(await store.get('w0')).toEqual(ValueAndTimestamp.make('seen-w0', 14));
    await again.close();
  });
});
