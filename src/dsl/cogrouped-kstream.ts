import type { StreamsConfig } from '../config/streams-config.js';
import { IllegalArgumentError } from '../errors/streams-error.js';
import { KStreamAggregateSupplier } from '../operators/kstream-aggregate.js';
import { KStreamSessionWindowAggregateSupplier } from '../operators/kstream-session-window-aggregate.js';
import { KStreamSlidingWindowAggregateSupplier } from '../operators/kstream-sliding-window-aggregate.js';
import { KStreamWindowAggregateSupplier } from '../operators/kstream-window-aggregate.js';
import { storeValueGetter, type KTableValueGetterSupplier } from '../operators/ktable-value-getter.js';
import type { KTableValueSource } from '../operators/tuple-forwarder.js';
import type { Processor } from '../processor/api.js';
import type { Serde } from '../serde/serde.js';
import { SessionWindowedSerde, TimeWindowedSerde } from '../serde/windowed-serdes.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { nameOf, namedAndMaterialized } from './args.js';
import { EmitStrategy } from './emit-strategy.js';
import type { GroupedStreamInfo } from './grouped-aggregate.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import { Named } from './named.js';
import { createRepartitionedSource } from './repartition.js';
import { SessionWindows } from './session-windows.js';
import { SlidingWindows } from './sliding-windows.js';
import { TimeWindows } from './time-windows.js';
import { sessionStoreBuilderFor, windowStoreBuilderFor } from './windowed-materialized.js';
import type { Windowed } from './windowed.js';

const AGGREGATE_NAME = 'COGROUPKSTREAM-AGGREGATE-';
const MERGE_NAME = 'COGROUPKSTREAM-MERGE-';
/** Names Java generates: a repartition topic prefixed with one keeps generated node names. */
const GENERATED = /^KSTREAM.*-[0-9]{10}$/;

type Aggregator<K, V, A> = (key: K, value: V, aggregate: A) => A;
type Pattern<K, A> = { readonly grouped: GroupedStreamInfo<K, any>; readonly aggregator: Aggregator<K, any, A> };

/** An aggregation processor of one cogrouped stream; all of them share one store. */
interface CogroupAggregate extends KTableValueSource {
  get(): Processor<any, any, any, any>;
}

/**
 * Java's `CogroupedKStream` (`KGroupedStream.cogroup(aggregator)`): several grouped streams folded into one
 * aggregate per key, each with its own aggregator, in one shared store. `cogroup(grouped, aggregator)` adds a
 * stream; `aggregate(initializer)` (or `windowedBy(...).aggregate(...)`) builds the table.
 */
export class CogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly patterns: Array<Pattern<K, VOut>>,
  ) {}

  /** Adds another grouped stream (same key type) with its aggregator; returns this cogrouped stream. */
  cogroup<V>(groupedStream: { cogroupInfo(): GroupedStreamInfo<K, V> }, aggregator: Aggregator<K, V, VOut>): CogroupedKStream<K, VOut> {
    if (groupedStream === null || groupedStream === undefined) throw new IllegalArgumentError("groupedStream can't be null");
    if (typeof aggregator !== 'function') throw new IllegalArgumentError("aggregator can't be null");
    this.patterns.push({ grouped: groupedStream.cogroupInfo(), aggregator });
    return this;
  }

  aggregate(initializer: () => VOut, named?: Named | Materialized<K, VOut>, materialized?: Materialized<K, VOut>): KTable<K, VOut> {
    if (typeof initializer !== 'function') throw new IllegalArgumentError("initializer can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.patterns[0]!.grouped.keySerde;
    return buildCogroup<K, VOut, K, VOut>(this.builder, this.patterns, {
      named: nameOf(args.named),
      storeName: mi.storeName,
      queryableName: mi.queryableStoreName(),
      storeBuilder: (config) => mi.timestampedKeyValueStoreBuilder(config),
      aggregateOf: (aggregator) => new KStreamAggregateSupplier<K, unknown, VOut>(mi.storeName, initializer, aggregator),
      keySerde: mi.keySerde,
      valueSerde: mi.valueSerde,
      viewable: true,
    });
  }

  /** Windowed cogrouped aggregation: `TimeWindows` or `SlidingWindows`, or `SessionWindows` (with a merger). */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedCogroupedKStream<K, VOut> | SessionWindowedCogroupedKStream<K, VOut> {
    if (windows instanceof SessionWindows) return new SessionWindowedCogroupedKStream(this.builder, this.patterns, windows);
    if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedCogroupedKStream(this.builder, this.patterns, windows);
    throw new IllegalArgumentError("windows can't be null");
  }
}

/** Java's `TimeWindowedCogroupedKStream`: cogrouped streams aggregated per key and time (or sliding) window. */
export class TimeWindowedCogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly patterns: Array<Pattern<K, VOut>>,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  aggregate(initializer: () => VOut, named?: Named | Materialized<K, VOut>, materialized?: Materialized<K, VOut>): KTable<Windowed<K>, VOut> {
    if (typeof initializer !== 'function') throw new IllegalArgumentError("initializer can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.patterns[0]!.grouped.keySerde;
    const windows = this.windows;
    const grace = windows.gracePeriodMs();
    const sliding = windows instanceof SlidingWindows;
    const windowSizeMs = windows instanceof SlidingWindows ? windows.timeDifferenceMs() : windows.size();
    const minimum = sliding ? 2 * windowSizeMs + grace : windowSizeMs + grace;
    const retentionMs = mi.materialized.retentionMs ?? minimum;
    if (minimum > retentionMs) {
      throw new IllegalArgumentError(`The retention period of the window store ${mi.storeName} must be no smaller than ${sliding ? '2 * time difference' : 'its window size'} plus the grace period.`);
    }
    const emit = EmitStrategy.onWindowUpdate();
    const params = { retentionMs, windowSizeMs, emitOnWindowClose: false, sliding };
    return buildCogroup<K, VOut, Windowed<K>, VOut>(this.builder, this.patterns, {
      named: nameOf(args.named),
      storeName: mi.storeName,
      queryableName: mi.queryableStoreName(),
      storeBuilder: (config) => windowStoreBuilderFor(mi, config, params),
      aggregateOf: (aggregator) =>
        windows instanceof SlidingWindows
          ? new KStreamSlidingWindowAggregateSupplier<K, unknown, VOut>(windows, mi.storeName, emit, initializer, aggregator as (key: K, value: unknown, aggregate: VOut | null) => VOut)
          : new KStreamWindowAggregateSupplier<K, unknown, VOut>(windows, mi.storeName, emit, initializer, aggregator as (key: K, value: unknown, aggregate: VOut | null) => VOut),
      keySerde: mi.keySerde === null ? null : new TimeWindowedSerde(mi.keySerde, windowSizeMs),
      valueSerde: mi.valueSerde,
      viewable: false,
    });
  }
}

/** Java's `SessionWindowedCogroupedKStream`: cogrouped streams aggregated per key and session. */
export class SessionWindowedCogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly patterns: Array<Pattern<K, VOut>>,
    private readonly windows: SessionWindows,
  ) {}

  aggregate(
    initializer: () => VOut,
    sessionMerger: (key: K, aggregate1: VOut, aggregate2: VOut) => VOut,
    named?: Named | Materialized<K, VOut>,
    materialized?: Materialized<K, VOut>,
  ): KTable<Windowed<K>, VOut> {
    if (typeof initializer !== 'function') throw new IllegalArgumentError("initializer can't be null");
    if (typeof sessionMerger !== 'function') throw new IllegalArgumentError("sessionMerger can't be null");
    const args = namedAndMaterialized(named, materialized);
    const mi = MaterializedInternal.of(args.materialized, this.builder, AGGREGATE_NAME);
    mi.keySerde ??= this.patterns[0]!.grouped.keySerde;
    const windows = this.windows;
    const minimum = windows.inactivityGap() + windows.gracePeriodMs();
    const retentionMs = mi.materialized.retentionMs ?? minimum;
    if (minimum > retentionMs) {
      throw new IllegalArgumentError(`The retention period of the session store ${mi.storeName} must be no smaller than the session inactivity gap plus the grace period.`);
    }
    const emit = EmitStrategy.onWindowUpdate();
    return buildCogroup<K, VOut, Windowed<K>, VOut>(this.builder, this.patterns, {
      named: nameOf(args.named),
      storeName: mi.storeName,
      queryableName: mi.queryableStoreName(),
      storeBuilder: (config) => sessionStoreBuilderFor(mi, config, { retentionMs, emitOnWindowClose: false }),
      aggregateOf: (aggregator) =>
        new KStreamSessionWindowAggregateSupplier<K, unknown, VOut>(
          windows,
          mi.storeName,
          emit,
          initializer,
          aggregator as (key: K, value: unknown, aggregate: VOut | null) => VOut,
          sessionMerger as (key: K, a1: VOut | null, a2: VOut) => VOut,
        ),
      keySerde: mi.keySerde === null ? null : new SessionWindowedSerde(mi.keySerde),
      valueSerde: mi.valueSerde,
      viewable: false,
    });
  }
}

/**
 * Java's `CogroupedStreamAggregateBuilder`: each cogrouped stream whose key changed is repartitioned first
 * (topic `<grouped name or store name>-repartition`); then one aggregation processor per stream
 * (`COGROUPKSTREAM-AGGREGATE-…` or `<name>-cogroup-agg-<i>`), all on the same store, feed a merge node
 * (`COGROUPKSTREAM-MERGE-…` or `<name>-cogroup-merge`), the table's node. The streams must be co-partitioned.
 */
function buildCogroup<K, VOut, KR, VR>(
  builder: InternalStreamsBuilder,
  patterns: ReadonlyArray<Pattern<K, VOut>>,
  spec: {
    readonly named: string | null;
    readonly storeName: string;
    readonly queryableName: string | null;
    readonly storeBuilder: (config: StreamsConfig) => StoreBuilder<StateStore>;
    readonly aggregateOf: (aggregator: Aggregator<K, any, VOut>) => CogroupAggregate;
    readonly keySerde: Serde<KR> | null;
    readonly valueSerde: Serde<VR> | null;
    /** Whether the result can be looked up (key-value store) by joins. */
    readonly viewable: boolean;
  },
): KTable<KR, VR> {
  const parents = patterns.map(({ grouped }) => {
    if (!grouped.repartitionRequired) return grouped.nodeName;
    const prefix = grouped.groupedName ?? spec.storeName;
    return createRepartitionedSource(builder, {
      parentName: grouped.nodeName,
      topicPrefix: prefix,
      userNamed: !GENERATED.test(prefix),
      keySerde: grouped.keySerde,
      valueSerde: grouped.valueSerde,
    });
  });
  const suffixed = (suffix: string, prefix: string): string => {
    const generated = builder.newProcessorName(prefix);
    if (spec.named === null) return generated;
    Named.validate(spec.named + suffix);
    return spec.named + suffix;
  };
  const aggregates = patterns.map(({ aggregator }) => spec.aggregateOf(aggregator));
  const names = patterns.map((_, i) => suffixed(`-cogroup-agg-${i}`, AGGREGATE_NAME));
  const mergeName = suffixed('-cogroup-merge', MERGE_NAME);
  const merge = new CogroupMerge(aggregates, spec.viewable ? spec.storeName : null);
  builder.addWriter((b, config) => {
    names.forEach((name, i) => {
      b.addProcessor(name, () => aggregates[i]!.get(), parents[i]!);
      if (i === 0) b.addStateStore(spec.storeBuilder(config), false, name);
      else b.connectProcessorAndStateStores(name, spec.storeName);
    });
    b.addProcessor(mergeName, () => merge.get(), ...names);
    b.copartitionUpstreamSources(parents);
  });
  return new KTable<KR, VR>(builder, mergeName, spec.keySerde, spec.valueSerde, merge, spec.queryableName);
}

/** Java's `KTablePassThrough`: the merge node; asked for old values, it asks every aggregation. */
class CogroupMerge implements KTableValueSource {
  constructor(
    private readonly aggregates: readonly CogroupAggregate[],
    private readonly storeName: string | null,
  ) {}

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    for (const a of this.aggregates) a.enableSendingOldValues(forceMaterialization);
    return true;
  }

  view(): KTableValueGetterSupplier<any, any> {
    if (this.storeName === null) throw new IllegalArgumentError('a windowed cogrouped table cannot be looked up');
    return storeValueGetter(this.storeName);
  }

  get(): Processor<any, any, any, any> {
    let forward: (r: any) => unknown;
    return {
      init(ctx) {
        forward = (r) => ctx.forward(r);
      },
      process: (r) => forward(r) as ReturnType<Processor['process']>,
    };
  }
}
