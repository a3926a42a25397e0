import { KStreamAggregateSupplier } from '../operators/kstream-aggregate.js';
import { Serdes } from '../serde/serdes.js';
import type { Serde } from '../serde/serde.js';
import { nameOf, namedAndMaterialized } from './args.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import type { Named } from './named.js';
import { createRepartitionedSource } from './repartition.js';
import type { SessionWindowedKStream } from './session-windowed-kstream.js';
import type { SessionWindows } from './session-windows.js';
import type { SlidingWindows } from './sliding-windows.js';
import type { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { TimeWindows } from './time-windows.js';
import { windowedBy } from './windowed-by.js';
import { CogroupedKStream } from './cogrouped-kstream.js';
import type { GroupedStreamInfo } from './grouped-aggregate.js';

/** Java's `KGroupedStream`: a stream grouped by key, ready to be aggregated into a KTable. */
export class KGroupedStream<K, V> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly nodeName: string,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    private readonly repartitionRequired: boolean,
    private readonly groupedName: string | null,
  ) {}

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const args = namedAndMaterialized(named, materialized);
    // Java's count(…, Materialized) draws one store index more when the Materialized has no name (a
    // leftover kept for topology compatibility); count() and count(Named) do not.
    if (args.materialized !== undefined && args.materialized.storeName === null) this.builder.newStoreName('KSTREAM-AGGREGATE-');
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KSTREAM-AGGREGATE-');
    mi.keySerde ??= this.keySerde;
    mi.valueSerde ??= Serdes.Long();
    const name = this.builder.processorName(nameOf(args.named), 'KSTREAM-AGGREGATE-');
    return this.doAggregate(name, mi, new KStreamAggregateSupplier<K, V, number>(mi.storeName, () => 0, (_k, _v, agg) => agg + 1));
  }

  reduce(reducer: (aggregate: V, value: V) => V, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KSTREAM-REDUCE-');
    mi.keySerde ??= this.keySerde;
    mi.valueSerde ??= this.valueSerde;
    const name = this.builder.processorName(nameOf(args.named), 'KSTREAM-REDUCE-');
    return this.doAggregate(name, mi, new KStreamAggregateSupplier<K, V, V>(mi.storeName, null, (_k, v, agg) => reducer(agg, v)));
  }

  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA> {
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KSTREAM-AGGREGATE-');
    mi.keySerde ??= this.keySerde;
    const name = this.builder.processorName(nameOf(args.named), 'KSTREAM-AGGREGATE-');
    return this.doAggregate(name, mi, new KStreamAggregateSupplier<K, V, VA>(mi.storeName, initializer, aggregator));
  }

  /** Windowed aggregations: `TimeWindows` and `SlidingWindows`, or `SessionWindows`. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    const { builder, nodeName, keySerde, valueSerde, repartitionRequired, groupedName } = this;
    return windowedBy(windows, { builder, nodeName, keySerde, valueSerde, repartitionRequired, groupedName });
  }

  /** Starts a cogroup: this stream with its aggregator; add others with `cogroup(grouped, aggregator)`. */
  cogroup<VOut>(aggregator: (key: K, value: V, aggregate: VOut) => VOut): CogroupedKStream<K, VOut> {
    if (typeof aggregator !== 'function') throw new TypeError("aggregator can't be null");
    return new CogroupedKStream<K, VOut>(this.builder, [{ grouped: this.cogroupInfo(), aggregator }]);
  }

  /** @internal what a cogroup needs to know of this grouped stream */
  cogroupInfo(): GroupedStreamInfo<K, V> {
    const { builder, nodeName, keySerde, valueSerde, repartitionRequired, groupedName } = this;
    return { builder, nodeName, keySerde, valueSerde, repartitionRequired, groupedName };
  }

  private doAggregate<VA>(name: string, mi: MaterializedInternal<K, VA>, supplier: KStreamAggregateSupplier<K, V, VA>): KTable<K, VA> {
    let parent = this.nodeName;
    if (this.repartitionRequired) {
      parent = createRepartitionedSource(this.builder, {
        parentName: this.nodeName,
        topicPrefix: this.groupedName ?? mi.storeName,
        userNamed: this.groupedName !== null || mi.queryable,
        keySerde: this.keySerde,
        valueSerde: this.valueSerde,
      });
    }
    this.builder.addWriter((b, config) => {
      b.addProcessor(name, () => supplier.get(), parent);
      b.addStateStore(mi.timestampedKeyValueStoreBuilder(config), false, name);
    });
    return new KTable(this.builder, name, mi.keySerde, mi.valueSerde, supplier, mi.queryableStoreName());
  }
}
