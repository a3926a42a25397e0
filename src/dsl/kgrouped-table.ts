import { ChangedDeserializer, ChangedSerializer } from '../operators/changed-serde.js';
import { KTableAggregateSupplier } from '../operators/ktable-grouping.js';
import { FailOnInvalidTimestamp } from '../processor/timestamp-extractors.js';
import { Serdes } from '../serde/serdes.js';
import type { Serde } from '../serde/serde.js';
import { nameOf, namedAndMaterialized } from './args.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import type { Named } from './named.js';
import { REPARTITION_TOPIC_SUFFIX } from './repartition.js';

/**
 * Java's `KGroupedTable`: a re-keyed table. Its aggregations subtract a row's old value from its old group
 * and add the new value to the new group, through a repartition topic carrying `Change`s.
 */
export class KGroupedTable<K, V> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly nodeName: string,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    private readonly groupedName: string | null,
  ) {}

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KTABLE-AGGREGATE-');
    mi.keySerde ??= this.keySerde;
    mi.valueSerde ??= Serdes.Long();
    const supplier = new KTableAggregateSupplier<K, V, number>(mi.storeName, () => 0, (_k, _v, a) => a + 1, (_k, _v, a) => a - 1);
    return this.doAggregate(supplier, args.named, 'KTABLE-AGGREGATE-', mi);
  }

  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    named?: Named | Materialized<K, V>,
    materialized?: Materialized<K, V>,
  ): KTable<K, V> {
    const args = namedAndMaterialized(named, materialized);
    // Java names a generated reduce store like an aggregate's (KTABLE-AGGREGATE-STATE-STORE-…)
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KTABLE-AGGREGATE-');
    mi.keySerde ??= this.keySerde;
    mi.valueSerde ??= this.valueSerde;
    const supplier = new KTableAggregateSupplier<K, V, V>(
      mi.storeName,
      null,
      (_k, v, a) => adder(a, v),
      (_k, v, a) => subtractor(a, v),
    );
    return this.doAggregate(supplier, args.named, 'KTABLE-REDUCE-', mi);
  }

  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA> {
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KTABLE-AGGREGATE-');
    mi.keySerde ??= this.keySerde;
    const supplier = new KTableAggregateSupplier<K, V, VA>(mi.storeName, initializer, adder, subtractor);
    return this.doAggregate(supplier, args.named, 'KTABLE-AGGREGATE-', mi);
  }

  private doAggregate<VA>(
    supplier: KTableAggregateSupplier<K, V, VA>,
    named: Named | undefined,
    prefix: string,
    mi: MaterializedInternal<K, VA>,
  ): KTable<K, VA> {
    const given = nameOf(named);
    const sinkName = this.builder.processorName(given === null ? null : `${given}-sink`, 'KSTREAM-SINK-');
    const sourceName = this.builder.processorName(given === null ? null : `${given}-source`, 'KSTREAM-SOURCE-');
    const funcName = this.builder.processorName(given, prefix);
    const topic = (this.groupedName ?? mi.storeName) + REPARTITION_TOPIC_SUFFIX;
    const parent = this.nodeName;
    const { keySerde, valueSerde } = this;
    this.builder.addWriter((b, config) => {
      b.addInternalTopic(topic);
      b.addSink(sinkName, topic, (keySerde?.serializer() ?? null) as any, new ChangedSerializer(valueSerde?.serializer() ?? null), null, parent);
      b.addSource(
        null,
        sourceName,
        new FailOnInvalidTimestamp(),
        (keySerde?.deserializer() ?? null) as any,
        new ChangedDeserializer(valueSerde?.deserializer() ?? null),
        [topic],
      );
      b.addProcessor(funcName, () => supplier.get(), sourceName);
      b.addStateStore(mi.timestampedKeyValueStoreBuilder(config), false, funcName);
    });
    return new KTable(this.builder, funcName, mi.keySerde, mi.valueSerde, supplier, mi.queryableStoreName());
  }
}
