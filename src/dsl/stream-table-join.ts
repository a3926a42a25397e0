import { kstreamKTableJoin } from '../operators/kstream-ktable-join.js';
import { storeValueGetter, valueGetterOf } from '../operators/ktable-value-getter.js';
import type { GlobalKTable } from './global-ktable.js';
import { repartitionForJoin } from './join-repartition.js';
import type { Joined } from './joined.js';
import { KStream } from './kstream.js';
import type { KTable } from './ktable.js';
import { nameOf } from './args.js';
import type { Named } from './named.js';
import { joinerWithKey, type ValueJoiner, type ValueJoinerWithKey } from './value-joiner.js';

/**
 * Java's `KStreamImpl.join/leftJoin(KTable, …)`: each stream record is joined with the table's current value
 * of its key, read through the table's value getter (a source table is materialized for it). Table updates
 * trigger nothing. A stream whose key changed is repartitioned first (topic `<Joined name or stream
 * node>-repartition`); the stream and the table must be co-partitioned. Processor `KSTREAM-JOIN-…` /
 * `KSTREAM-LEFTJOIN-…`, or the `Joined` name.
 */
export function streamTableJoin<K, V, VT, VR>(
  self: KStream<K, V>,
  table: KTable<K, VT>,
  joinerArg: ValueJoiner<V, any, VR> | ValueJoinerWithKey<K, V, any, VR>,
  joined: Joined<K, V, VT> | undefined,
  leftJoin: boolean,
): KStream<K, VR> {
  const joiner = joinerWithKey<K, V, VT | null, VR>(joinerArg);
  const builder = self.builder;
  const name = joined?.name ?? null;
  const keySerde = joined?.keySerde ?? self.keySerde;
  const stream = self.repartitionRequired ? repartitionForJoin(self, name ?? self.nodeName, keySerde, joined?.valueSerde ?? self.valueSerde) : self;
  const getter = valueGetterOf<K, VT>(table.valueSource);
  const processorName = builder.processorName(name, leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-');
  const supplier = kstreamKTableJoin<K, V, K, VT, VR>({ getter, keyMapper: (k) => k, joiner, leftJoin, countDropped: true });
  const parent = stream.nodeName;
  const tableNode = table.nodeName;
  builder.addWriter((b) => {
    b.addProcessor(processorName, supplier, parent);
    b.connectProcessorAndStateStores(processorName, ...getter.storeNames());
    b.copartitionUpstreamSources([parent, tableNode]);
  });
  return new KStream<K, VR>(builder, processorName, keySerde, null, false);
}

/**
 * Java's `KStreamImpl.join/leftJoin(GlobalKTable, keySelector, joiner)`: the table key of each stream record
 * is `keySelector(key, value)` (called even for null values, as Java); no repartitioning, no co-partitioning
 * (every instance holds the whole global table). Java names both `KSTREAM-LEFTJOIN-…`.
 */
export function globalTableJoin<K, V, KG, VG, VR>(
  self: KStream<K, V>,
  global: GlobalKTable<KG, VG>,
  keySelector: (key: K, value: V) => KG | null,
  joinerArg: ValueJoiner<V, any, VR> | ValueJoinerWithKey<K, V, any, VR>,
  named: Named | undefined,
  leftJoin: boolean,
): KStream<K, VR> {
  if (typeof keySelector !== 'function') throw new TypeError('keySelector must be a function');
  const joiner = joinerWithKey<K, V, VG | null, VR>(joinerArg);
  const builder = self.builder;
  const processorName = builder.processorName(nameOf(named), 'KSTREAM-LEFTJOIN-');
  const getter = storeValueGetter<KG, VG>(global.queryableStoreName());
  const supplier = kstreamKTableJoin<K, V, KG, VG, VR>({ getter, keyMapper: keySelector, joiner, leftJoin, countDropped: false });
  const parent = self.nodeName;
  builder.addWriter((b) => b.addProcessor(processorName, supplier, parent));
  return new KStream<K, VR>(builder, processorName, self.keySerde, null, self.repartitionRequired);
}
