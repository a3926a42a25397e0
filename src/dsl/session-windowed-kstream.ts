import { IllegalArgumentError } from '../errors/streams-error.js';
import { KStreamSessionWindowAggregateSupplier } from '../operators/kstream-session-window-aggregate.js';
import { Serdes } from '../serde/serdes.js';
import { SessionWindowedSerde } from '../serde/windowed-serdes.js';
import { nameOf, namedAndMaterialized } from './args.js';
import { EmitStrategy, StrategyType } from './emit-strategy.js';
import { buildGroupedAggregate, type GroupedStreamInfo } from './grouped-aggregate.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import type { Named } from './named.js';
import type { SessionWindows } from './session-windows.js';
import { sessionStoreBuilderFor } from './windowed-materialized.js';
import type { Windowed } from './windowed.js';

const AGGREGATE_NAME = 'KSTREAM-AGGREGATE-';
const REDUCE_NAME = 'KSTREAM-REDUCE-';

/**
 * Java's `SessionWindowedKStream`: a grouped stream cut into sessions of activity, aggregated per key and
 * session into a `KTable<Windowed<K>, VR>` backed by a session store. When a record merges sessions, the
 * superseded ones are retracted downstream with a null.
 */
export class SessionWindowedKStream<K, V> {
  private emit = EmitStrategy.onWindowUpdate();

  /** @internal */
  constructor(
    private readonly windows: SessionWindows,
    private readonly grouped: GroupedStreamInfo<K, V>,
  ) {}

  emitStrategy(emitStrategy: EmitStrategy): SessionWindowedKStream<K, V> {
    if (emitStrategy === null || emitStrategy === undefined) throw new IllegalArgumentError('emitStrategy cannot be null');
    this.emit = emitStrategy;
    return this;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const args = namedAndMaterialized(named, materialized);
    // as Java's count(…, Materialized): one store index more when the Materialized has no name
    if (args.materialized !== undefined && args.materialized.storeName === null) this.grouped.builder.newStoreName(AGGREGATE_NAME);
    const mi = MaterializedInternal.of(args.materialized, this.grouped.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.grouped.keySerde;
    mi.valueSerde ??= Serdes.Long();
    const name = this.grouped.builder.processorName(nameOf(args.named), AGGREGATE_NAME);
    return this.build(name, mi, () => 0, (_k, _v, agg) => (agg as number) + 1, (_k, a, b) => (a as number) + b);
  }

  reduce(reducer: (aggregate: V, value: V) => V, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    if (typeof reducer !== 'function') throw new IllegalArgumentError("reducer can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.grouped.builder, REDUCE_NAME);
    mi.keySerde ??= this.grouped.keySerde;
    mi.valueSerde ??= this.grouped.valueSerde;
    const name = this.grouped.builder.processorName(nameOf(args.named), REDUCE_NAME);
    const aggregator = (_k: K, v: V, agg: V | null): V => (agg === null ? v : reducer(agg, v));
    // Java merges reduced sessions with the reducer itself: aggregate(key, agg2, agg1)
    return this.build(name, mi, () => null, aggregator, (k, a, b) => aggregator(k, b, a));
  }

  aggregate<VR>(
    initializer: () => VR,
    aggregator: (key: K, value: V, aggregate: VR) => VR,
    sessionMerger: (key: K, aggregate1: VR, aggregate2: VR) => VR,
    named?: Named | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<Windowed<K>, VR> {
    if (typeof initializer !== 'function') throw new IllegalArgumentError("initializer can't be null");
    if (typeof aggregator !== 'function') throw new IllegalArgumentError("aggregator can't be null");
    if (typeof sessionMerger !== 'function') throw new IllegalArgumentError("sessionMerger can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.grouped.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.grouped.keySerde;
    const name = this.grouped.builder.processorName(nameOf(args.named), AGGREGATE_NAME);
    return this.build(
      name,
      mi,
      initializer,
      aggregator as (key: K, value: V, aggregate: VR | null) => VR,
      sessionMerger as (key: K, aggregate1: VR | null, aggregate2: VR) => VR,
    );
  }

  private build<VR>(
    name: string,
    mi: MaterializedInternal<K, VR>,
    initializer: () => VR | null,
    aggregator: (key: K, value: V, aggregate: VR | null) => VR,
    merger: (key: K, aggregate1: VR | null, aggregate2: VR) => VR | null,
  ): KTable<Windowed<K>, VR> {
    const gap = this.windows.inactivityGap();
    const grace = this.windows.gracePeriodMs();
    const retentionMs = mi.materialized.retentionMs ?? gap + grace;
    if (gap + grace > retentionMs) {
      throw new IllegalArgumentError(
        `The retention period of the session store ${mi.storeName} must be no smaller than the session inactivity gap plus the grace period. ` +
          `Got gap=[${gap}], grace=[${grace}], retention=[${retentionMs}]`,
      );
    }
    const emit = this.emit;
    const supplier = new KStreamSessionWindowAggregateSupplier(this.windows, mi.storeName, emit, initializer, aggregator, merger);
    const params = { retentionMs, emitOnWindowClose: emit.type() === StrategyType.ON_WINDOW_CLOSE };
    return buildGroupedAggregate<K, V, Windowed<K>, VR>(this.grouped, {
      name,
      storeName: mi.storeName,
      storeNamed: mi.queryable,
      queryableName: mi.queryableStoreName(),
      storeBuilder: (config) => sessionStoreBuilderFor(mi, config, params),
      supplier,
      keySerde: mi.keySerde === null ? null : new SessionWindowedSerde(mi.keySerde),
      valueSerde: mi.valueSerde,
    });
  }
}
