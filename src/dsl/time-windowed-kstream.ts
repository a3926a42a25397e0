import { IllegalArgumentError } from '../errors/streams-error.js';
import { KStreamSlidingWindowAggregateSupplier } from '../operators/kstream-sliding-window-aggregate.js';
import { KStreamWindowAggregateSupplier } from '../operators/kstream-window-aggregate.js';
import { Serdes } from '../serde/serdes.js';
import type { Serde } from '../serde/serde.js';
import { TimeWindowedSerde } from '../serde/windowed-serdes.js';
import { nameOf, namedAndMaterialized } from './args.js';
import { EmitStrategy, StrategyType } from './emit-strategy.js';
import { buildGroupedAggregate, type GroupedStreamInfo } from './grouped-aggregate.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import type { Named } from './named.js';
import { SlidingWindows } from './sliding-windows.js';
import type { TimeWindows } from './time-windows.js';
import { windowStoreBuilderFor } from './windowed-materialized.js';
import type { Windowed } from './windowed.js';

const AGGREGATE_NAME = 'KSTREAM-AGGREGATE-';
const REDUCE_NAME = 'KSTREAM-REDUCE-';

/**
 * Java's `TimeWindowedKStream` (`TimeWindowedKStreamImpl` for `TimeWindows`, `SlidingWindowedKStreamImpl`
 * for `SlidingWindows`): a grouped stream cut into windows, aggregated per key and window into a
 * `KTable<Windowed<K>, VR>` backed by a timestamped window store. Names and generated store names are
 * Java's (`KSTREAM-AGGREGATE-…`, `KSTREAM-REDUCE-…`, `…-STATE-STORE-…`).
 */
export class TimeWindowedKStream<K, V> {
  private emit = EmitStrategy.onWindowUpdate();

  /** @internal */
  constructor(
    private readonly windows: TimeWindows | SlidingWindows,
    private readonly grouped: GroupedStreamInfo<K, V>,
  ) {}

  /** `EmitStrategy.onWindowClose()` forwards each window once, when it closes (final results). */
  emitStrategy(emitStrategy: EmitStrategy): TimeWindowedKStream<K, V> {
    if (emitStrategy === null || emitStrategy === undefined) throw new IllegalArgumentError('emitStrategy cannot be null');
    this.emit = emitStrategy;
    return this;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const args = namedAndMaterialized(named, materialized);
    // Java's TimeWindowedKStream.count(…, Materialized) draws one store index more when the Materialized has
    // no name (kept for topology compatibility); its sliding counterpart does not
    if (args.materialized !== undefined && args.materialized.storeName === null && !this.sliding()) {
      this.grouped.builder.newStoreName(AGGREGATE_NAME);
    }
    const mi = MaterializedInternal.of(args.materialized, this.grouped.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.grouped.keySerde;
    mi.valueSerde ??= Serdes.Long();
    const name = this.grouped.builder.processorName(nameOf(args.named), AGGREGATE_NAME);
    return this.build(name, mi, () => 0, (_k, _v, agg) => (agg as number) + 1);
  }

  reduce(reducer: (aggregate: V, value: V) => V, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    if (typeof reducer !== 'function') throw new IllegalArgumentError("reducer can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.grouped.builder, REDUCE_NAME);
    mi.keySerde ??= this.grouped.keySerde;
    mi.valueSerde ??= this.grouped.valueSerde;
    const name = this.grouped.builder.processorName(nameOf(args.named), REDUCE_NAME);
    return this.build(name, mi, () => null, (_k, v, agg) => (agg === null ? v : reducer(agg, v)));
  }

  aggregate<VR>(
    initializer: () => VR,
    aggregator: (key: K, value: V, aggregate: VR) => VR,
    named?: Named | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<Windowed<K>, VR> {
    if (typeof initializer !== 'function') throw new IllegalArgumentError("initializer can't be null");
    if (typeof aggregator !== 'function') throw new IllegalArgumentError("aggregator can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.grouped.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.grouped.keySerde;
    const name = this.grouped.builder.processorName(nameOf(args.named), AGGREGATE_NAME);
    return this.build(name, mi, initializer, aggregator as (key: K, value: V, aggregate: VR | null) => VR);
  }

  private sliding(): boolean {
    return this.windows instanceof SlidingWindows;
  }

  private build<VR>(
    name: string,
    mi: MaterializedInternal<K, VR>,
    initializer: () => VR | null,
    aggregator: (key: K, value: V, aggregate: VR | null) => VR,
  ): KTable<Windowed<K>, VR> {
    const windows = this.windows;
    const emit = this.emit;
    const grace = windows.gracePeriodMs();
    let retentionMs: number;
    let windowSizeMs: number;
    let supplier: KStreamWindowAggregateSupplier<K, V, VR> | KStreamSlidingWindowAggregateSupplier<K, V, VR>;
    if (windows instanceof SlidingWindows) {
      const diff = windows.timeDifferenceMs();
      windowSizeMs = diff;
      retentionMs = mi.materialized.retentionMs ?? grace + 2 * diff;
      if (diff * 2 + grace > retentionMs) {
        throw new IllegalArgumentError(
          `The retention period of the window store ${mi.storeName} must be no smaller than 2 * time difference plus the grace period. ` +
            `Got time difference=[${diff}], grace=[${grace}], retention=[${retentionMs}]`,
        );
      }
      supplier = new KStreamSlidingWindowAggregateSupplier(windows, mi.storeName, emit, initializer, aggregator);
    } else {
      windowSizeMs = windows.size();
      retentionMs = mi.materialized.retentionMs ?? windowSizeMs + grace;
      if (windowSizeMs + grace > retentionMs) {
        throw new IllegalArgumentError(
          `The retention period of the window store ${mi.storeName} must be no smaller than its window size plus the grace period. ` +
            `Got size=[${windowSizeMs}], grace=[${grace}], retention=[${retentionMs}]`,
        );
      }
      supplier = new KStreamWindowAggregateSupplier(windows, mi.storeName, emit, initializer, aggregator);
    }
    const params = { retentionMs, windowSizeMs, emitOnWindowClose: emit.type() === StrategyType.ON_WINDOW_CLOSE, sliding: this.sliding() };
    const keySerde: Serde<Windowed<K>> | null = mi.keySerde === null ? null : new TimeWindowedSerde(mi.keySerde, windowSizeMs);
    return buildGroupedAggregate<K, V, Windowed<K>, VR>(this.grouped, {
      name,
      storeName: mi.storeName,
      storeNamed: mi.queryable,
      queryableName: mi.queryableStoreName(),
      storeBuilder: (config) => windowStoreBuilderFor(mi, config, params),
      supplier,
      keySerde,
      valueSerde: mi.valueSerde,
    });
  }
}
