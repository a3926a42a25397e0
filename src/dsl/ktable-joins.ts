import { KTableKTableJoinMerger, KTableKTableJoinSide, type TableJoinKind } from '../operators/ktable-ktable-join.js';
import { valueGetterOf } from '../operators/ktable-value-getter.js';
import { nameOf, namedAndMaterialized } from './args.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import { Named } from './named.js';
import { joinerWithKey, reverseJoiner, type ValueJoiner, type ValueJoinerWithKey } from './value-joiner.js';

/**
 * Java's `KTableImpl.doJoin`: a table-table join, a table again. Each side's processor looks the other table
 * up through its value getter (materializing source tables), both feed a merge node; left and outer joins
 * make the left (and, outer, the right) table send old values, so that deleting a row without partner still
 * gives a tombstone. Names: `KTABLE-MERGE-…` (or the `Named` name), `KTABLE-JOINTHIS-…` / `<name>-join-this`,
 * `KTABLE-JOINOTHER-…` / `<name>-join-other`, drawn in that order; a `Materialized` gives the result a store
 * (a generated name, drawn first, is not queryable).
 */
export function tableTableJoin<K, V, VO, VR>(
  self: KTable<K, V>,
  other: KTable<K, VO>,
  joinerArg: ValueJoiner<any, any, VR> | ValueJoinerWithKey<K, any, any, VR>,
  namedArg: Named | Materialized<K, VR> | undefined,
  materializedArg: Materialized<K, VR> | undefined,
  kind: TableJoinKind,
): KTable<K, VR> {
  if (!(other instanceof KTable)) throw new TypeError('other must be a KTable');
  const joiner = joinerWithKey<K, V | null, VO | null, VR>(joinerArg);
  const builder = self.builder;
  const { named, materialized } = namedAndMaterialized(namedArg, materializedArg);
  const mi = materialized === undefined ? null : MaterializedInternal.of(materialized, builder, 'KTABLE-MERGE-');
  if (mi !== null) mi.keySerde ??= self.keySerde;
  const name = nameOf(named);
  const mergeName = builder.processorName(name, 'KTABLE-MERGE-');
  const suffixed = (suffix: string, prefix: string): string => {
    const generated = builder.newProcessorName(prefix);
    if (name === null) return generated;
    Named.validate(name + suffix);
    return name + suffix;
  };
  const thisName = suffixed('-join-this', 'KTABLE-JOINTHIS-');
  const otherName = suffixed('-join-other', 'KTABLE-JOINOTHER-');

  // a row of a left (outer) join's left (and right) table deleted without partner must still retract the result
  if (kind !== 'inner') self.valueSource.enableSendingOldValues(true);
  if (kind === 'outer') other.valueSource.enableSendingOldValues(true);
  const thisGetter = valueGetterOf<K, V>(self.valueSource);
  const otherGetter = valueGetterOf<K, VO>(other.valueSource);
  const thisSide = new KTableKTableJoinSide<K, V, VO, VR>(kind, self.valueSource, other.valueSource, otherGetter, joiner);
  const otherSide = new KTableKTableJoinSide<K, VO, V, VR>(
    kind === 'left' ? 'right' : kind,
    other.valueSource,
    self.valueSource,
    thisGetter,
    reverseJoiner(joiner),
  );
  const merger = new KTableKTableJoinMerger<K, V, VO, VR>(kind, thisSide, otherSide, thisGetter, otherGetter, joiner, mi?.queryableStoreName() ?? null);

  const thisParent = self.nodeName;
  const otherParent = other.nodeName;
  builder.addWriter((b, config) => {
    b.addProcessor(thisName, () => thisSide.get(), thisParent);
    b.addProcessor(otherName, () => otherSide.get(), otherParent);
    b.addProcessor(mergeName, () => merger.get(), thisName, otherName);
    b.connectProcessorAndStateStores(thisName, ...otherGetter.storeNames());
    b.connectProcessorAndStateStores(otherName, ...thisGetter.storeNames());
    if (mi !== null) b.addStateStore(mi.timestampedKeyValueStoreBuilder(config), false, mergeName);
    b.copartitionUpstreamSources([thisParent, otherParent]);
  });
  return new KTable<K, VR>(builder, mergeName, mi?.keySerde ?? self.keySerde, mi?.valueSerde ?? null, merger, mi?.queryableStoreName() ?? null);
}
