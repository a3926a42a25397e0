import type { StreamsConfig } from '../config/streams-config.js';
import { StreamsError } from '../errors/streams-error.js';
import { JoinTimeTrackers, kstreamJoinWindow, kstreamKStreamJoin } from '../operators/kstream-kstream-join.js';
import { passThrough } from '../operators/kstream-stateless.js';
import { Serdes } from '../serde/serdes.js';
import type { Serde } from '../serde/serde.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { Stores } from '../state/stores.js';
import type { WindowBytesStoreSupplier } from '../state/window-store.js';
import type { JoinWindows } from './join-windows.js';
import { KStream } from './kstream.js';
import { StoreType } from './materialized.js';
import { Named } from './named.js';
import { repartitionForJoin } from './join-repartition.js';
import { StreamJoined } from './stream-joined.js';
import { joinerWithKey, reverseJoiner, type ValueJoiner, type ValueJoinerWithKey } from './value-joiner.js';

/**
 * Java's `KStreamImpl.doJoin` + `KStreamImplJoin.join`: a windowed stream-stream join. Each side goes
 * through a "windowed" processor that keeps its records in a window store (retaining duplicates, retention
 * window size + grace) and on to its join processor, which looks up the other side's store; the two join
 * processors feed a merge node, the join's output. A side whose key changed is first repartitioned. Left and
 * outer joins share a third store of records still waiting for a partner (see `kstreamKStreamJoin`).
 *
 * Names are Java's, generated indexes drawn in Java's order (windowed ×2, this-join, other-join, merge):
 * `KSTREAM-JOINTHIS-…` / `KSTREAM-OUTERTHIS-…` (outer join) and `KSTREAM-JOINOTHER-…` / `KSTREAM-OUTEROTHER-…`
 * (left and outer joins), stores `<processor>-store`, the shared store `KSTREAM-OUTERSHARED-<this index>-store`.
 */
export function streamStreamJoin<K, V, VO, VR>(
  thisStream: KStream<K, V>,
  otherStream: KStream<K, VO>,
  joinerArg: ValueJoiner<any, any, VR> | ValueJoinerWithKey<K, any, any, VR>,
  windows: JoinWindows,
  streamJoinedArg: StreamJoined<K, V, VO> | undefined,
  leftOuter: boolean,
  rightOuter: boolean,
): KStream<K, VR> {
  if (windows === null || windows === undefined) throw new StreamsError('windows can\'t be null');
  const joiner = joinerWithKey<K, V, VO | null, VR>(joinerArg);
  const sj = streamJoinedArg ?? StreamJoined.with<K, V, VO>(null, null, null);
  const builder = thisStream.builder;
  const name = sj.name;
  const keySerde = sj.keySerde ?? thisStream.keySerde;
  const thisValueSerde = sj.valueSerde ?? thisStream.valueSerde;
  const otherValueSerde = sj.otherValueSerde ?? otherStream.valueSerde;

  // a side whose key changed must be repartitioned by its new key first, so both sides are co-partitioned
  const repartitioned = <VX>(s: KStream<K, VX>, suffix: string, valueSerde: Serde<VX> | null): KStream<K, VX> =>
    s.repartitionRequired ? repartitionForJoin(s, name === null ? s.nodeName : name + suffix, keySerde, valueSerde) : s;
  const left = repartitioned(thisStream, '-left', thisValueSerde);
  const right = repartitioned(otherStream, '-right', otherValueSerde);

  const named = (suffix: string, prefix: string): string => {
    const generated = builder.newProcessorName(prefix);
    if (name === null) return generated;
    Named.validate(name + suffix);
    return name + suffix;
  };
  const thisJoinSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const otherJoinSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  const thisWindowedName = named('-this-windowed', 'KSTREAM-WINDOWED-');
  const otherWindowedName = named('-other-windowed', 'KSTREAM-WINDOWED-');
  const thisJoinGenerated = builder.newProcessorName(rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-');
  const otherJoinGenerated = builder.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-');
  const thisJoinName = name === null ? thisJoinGenerated : name + thisJoinSuffix;
  const otherJoinName = name === null ? otherJoinGenerated : name + otherJoinSuffix;
  const mergeName = named('-merge', 'KSTREAM-MERGE-');

  const { thisStoreSupplier, otherStoreSupplier } = sj;
  if (thisStoreSupplier !== null && otherStoreSupplier !== null && thisStoreSupplier.name() === otherStoreSupplier.name()) {
    throw new StreamsError('Both StoreSuppliers have the same name.  StoreSuppliers must provide unique names');
  }
  if (thisStoreSupplier !== null) checkWindowSettings(thisStoreSupplier, windows);
  if (otherStoreSupplier !== null) checkWindowSettings(otherStoreSupplier, windows);
  const thisStoreName = thisStoreSupplier?.name() ?? (sj.storeName === null ? thisJoinGenerated : sj.storeName + thisJoinSuffix) + '-store';
  const otherStoreName = otherStoreSupplier?.name() ?? (sj.storeName === null ? otherJoinGenerated : sj.storeName + otherJoinSuffix) + '-store';

  // the deprecated JoinWindows.of() keeps the old eager left/outer results: no store of waiting records
  let outerStoreName: string | null = null;
  if (leftOuter && windows.spuriousResultFixEnabled) {
    const sharedSuffix = rightOuter ? '-outer-shared-join' : '-left-shared-join';
    const base = thisStoreSupplier?.name() ?? sj.storeName;
    outerStoreName = (base !== null ? base + sharedSuffix : 'KSTREAM-OUTERSHARED-' + thisJoinGenerated.slice(-10)) + '-store';
  }

  const trackers = new JoinTimeTrackers();
  const common = { windows, outerStoreName, keySerde, leftValueSerde: thisValueSerde as Serde<unknown> | null, rightValueSerde: otherValueSerde as Serde<unknown> | null, trackers };
  const thisJoin = kstreamKStreamJoin<K, V, VO, VR>({ ...common, isLeftSide: true, outer: leftOuter, joiner, otherStoreName });
  const otherJoin = kstreamKStreamJoin<K, VO, V, VR>({
    ...common,
    isLeftSide: false,
    outer: rightOuter,
    joiner: reverseJoiner(joiner) as ValueJoinerWithKey<K, VO, V | null, VR>,
    otherStoreName: thisStoreName,
  });

  const leftNode = left.nodeName;
  const rightNode = right.nodeName;
  builder.addWriter((b, config) => {
    const windowStore = (supplier: WindowBytesStoreSupplier | null, storeName: string, valueSerde: Serde<unknown> | null): StoreBuilder<StateStore> => {
      const size = windows.size();
      const s =
        supplier ??
        (inMemory(config)
          ? Stores.inMemoryWindowStore(storeName, size + windows.gracePeriodMs(), size, true)
          : Stores.persistentWindowStore(storeName, size + windows.gracePeriodMs(), size, true));
      return withLogging(Stores.windowStoreBuilder(s, keySerde, valueSerde) as unknown as StoreBuilder<StateStore>, sj);
    };
    b.addProcessor(thisWindowedName, kstreamJoinWindow(thisStoreName), leftNode);
    b.addProcessor(otherWindowedName, kstreamJoinWindow(otherStoreName), rightNode);
    b.addProcessor(thisJoinName, thisJoin, thisWindowedName);
    b.addProcessor(otherJoinName, otherJoin, otherWindowedName);
    b.addProcessor(mergeName, passThrough(), thisJoinName, otherJoinName);
    b.addStateStore(windowStore(thisStoreSupplier, thisStoreName, thisValueSerde as Serde<unknown> | null), false, thisWindowedName, otherJoinName);
    b.addStateStore(windowStore(otherStoreSupplier, otherStoreName, otherValueSerde as Serde<unknown> | null), false, otherWindowedName, thisJoinName);
    if (outerStoreName !== null) {
      // persistent unless this side's store is in memory (or the DSL default is), as Java
      const memory = thisStoreSupplier !== null ? thisStoreSupplier.metricsScope().startsWith('in-memory') : inMemory(config);
      const supplier = memory ? Stores.inMemoryKeyValueStore(outerStoreName) : Stores.persistentKeyValueStore(outerStoreName);
      const shared = Stores.keyValueStoreBuilder(supplier, Serdes.ByteArray(), Serdes.ByteArray()) as unknown as StoreBuilder<StateStore>;
      b.addStateStore(withLogging(shared, sj), false, thisJoinName, otherJoinName);
    }
    b.copartitionUpstreamSources([leftNode, rightNode]);
  });
  return new KStream<K, VR>(builder, mergeName, keySerde, null, false);
}

function inMemory(config: StreamsConfig): boolean {
  return config.get('default.dsl.store') === StoreType.IN_MEMORY;
}

function withLogging(b: StoreBuilder<StateStore>, sj: StreamJoined<any, any, any>): StoreBuilder<StateStore> {
  return sj.loggingEnabled ? b.withLoggingEnabled(sj.topicConfig) : b.withLoggingDisabled();
}

/** Java's `assertWindowSettings`: a user's store supplier must fit the join windows. */
function checkWindowSettings(supplier: WindowBytesStoreSupplier, windows: JoinWindows): void {
  if (!supplier.retainDuplicates()) {
    throw new StreamsError('The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false');
  }
  if (supplier.windowSize() !== windows.size()) {
    throw new StreamsError(`Window settings mismatch. WindowBytesStoreSupplier settings ${supplier.name()} must match JoinWindows settings ${windows}`);
  }
  if (supplier.retentionPeriod() < windows.size() + windows.gracePeriodMs()) {
    throw new StreamsError(
      `The retention period of the window store ${supplier.name()} must be no smaller than its window size plus the grace period. Got size=[${windows.size()}], grace=[${windows.gracePeriodMs()}], retention=[${supplier.retentionPeriod()}]`,
    );
  }
}
