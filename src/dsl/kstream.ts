import {
  kstreamFilter,
  kstreamFlatMap,
  kstreamFlatMapValues,
  kstreamMap,
  kstreamMapValues,
  kstreamPeek,
  kstreamSelectKey,
  passThrough,
} from '../operators/kstream-stateless.js';
import { fixedKeyProcessorSupplier } from '../operators/fixed-key-processor.js';
import { KTableSourceSupplier } from '../operators/ktable-source.js';
import type {
  FixedKeyProcessorSupplier,
  ProcessorSupplier,
  TopicNameExtractor,
} from '../processor/api.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValue } from '../state/key-value.js';
import { nameOf, namedAndMaterialized, withKey } from './args.js';
import { BranchedKStream } from './branched-kstream.js';
import { Grouped } from './grouped.js';
import type { GlobalKTable } from './global-ktable.js';
import type { Joined } from './joined.js';
import type { JoinWindows } from './join-windows.js';
import { kstreamJoin } from './kstream-joins.js';
import type { StreamJoined } from './stream-joined.js';
import type { ValueJoiner, ValueJoinerWithKey } from './value-joiner.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import { Named } from './named.js';
import { Produced } from './produced.js';
import { createRepartitionedSource } from './repartition.js';
import { Repartitioned } from './repartitioned.js';

/**
 * Java's `KStream`: a record stream. Every operation adds a node to the DSL graph and returns a new
 * stream; nothing runs until the topology is built and started.
 */
export class KStream<K, V> {
  /** @internal */
  constructor(
    readonly builder: InternalStreamsBuilder,
    /** @internal the name of the processor whose output this stream is */
    readonly nodeName: string,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    /** @internal set after a key-changing operation: a stateful operation must repartition first */
    readonly repartitionRequired: boolean,
  ) {}

  /** @internal adds a processor fed by this stream and returns its output stream */
  addProcessor<KR, VR>(
    name: string,
    supplier: ProcessorSupplier<any, any, any, any>,
    keySerde: Serde<KR> | null,
    valueSerde: Serde<VR> | null,
    repartitionRequired: boolean,
    storeNames: readonly string[] = [],
  ): KStream<KR, VR> {
    const parent = this.nodeName;
    this.builder.addWriter((b) => {
      b.addProcessor(name, supplier, parent);
      if (storeNames.length > 0) b.connectProcessorAndStateStores(name, ...storeNames);
    });
    return new KStream(this.builder, name, keySerde, valueSerde, repartitionRequired);
  }

  private name(named: Named | undefined, prefix: string): string {
    return this.builder.processorName(nameOf(named), prefix);
  }

  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.addProcessor(this.name(named, 'KSTREAM-FILTER-'), kstreamFilter(predicate, false), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.addProcessor(this.name(named, 'KSTREAM-FILTER-'), kstreamFilter(predicate, true), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, named?: Named): KStream<KR, VR> {
    return this.addProcessor(this.name(named, 'KSTREAM-MAP-'), kstreamMap(mapper), null, null, true);
  }

  selectKey<KR>(mapper: (key: K, value: V) => KR, named?: Named): KStream<KR, V> {
    return this.addProcessor(this.name(named, 'KSTREAM-KEY-SELECT-'), kstreamSelectKey(mapper), null, this.valueSerde, true);
  }

  /** `mapper` is `(value) => …` (ValueMapper) or `(readOnlyKey, value) => …` (ValueMapperWithKey). */
  mapValues<VR>(mapper: (value: V) => VR, named?: Named): KStream<K, VR>;
  mapValues<VR>(mapper: (key: K, value: V) => VR, named?: Named): KStream<K, VR>;
  mapValues<VR>(mapper: ((value: V) => VR) | ((key: K, value: V) => VR), named?: Named): KStream<K, VR> {
    return this.addProcessor(this.name(named, 'KSTREAM-MAPVALUES-'), kstreamMapValues(withKey<K, V, VR>(mapper)), this.keySerde, null, this.repartitionRequired);
  }

  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, named?: Named): KStream<KR, VR> {
    return this.addProcessor(this.name(named, 'KSTREAM-FLATMAP-'), kstreamFlatMap(mapper), null, null, true);
  }

  flatMapValues<VR>(mapper: (value: V) => Iterable<VR>, named?: Named): KStream<K, VR>;
  flatMapValues<VR>(mapper: (key: K, value: V) => Iterable<VR>, named?: Named): KStream<K, VR>;
  flatMapValues<VR>(mapper: ((value: V) => Iterable<VR>) | ((key: K, value: V) => Iterable<VR>), named?: Named): KStream<K, VR> {
    return this.addProcessor(
      this.name(named, 'KSTREAM-FLATMAPVALUES-'),
      kstreamFlatMapValues(withKey<K, V, Iterable<VR>>(mapper)),
      this.keySerde,
      null,
      this.repartitionRequired,
    );
  }

  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    return this.addProcessor(this.name(named, 'KSTREAM-PEEK-'), kstreamPeek(action, true), this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  foreach(action: (key: K, value: V) => void, named?: Named): void {
    this.addProcessor(this.name(named, 'KSTREAM-FOREACH-'), kstreamPeek(action, false), null, null, false);
  }

  split(named?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this, named);
  }

  merge(stream: KStream<K, V>, named?: Named): KStream<K, V> {
    const name = this.name(named, 'KSTREAM-MERGE-');
    const parents = [this.nodeName, stream.nodeName];
    this.builder.addWriter((b) => b.addProcessor(name, passThrough<K, V>(), ...parents));
    return new KStream(this.builder, name, null, null, this.repartitionRequired || stream.repartitionRequired);
  }

  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const name = repartitioned?.name ?? this.builder.newProcessorName('KSTREAM-REPARTITION-');
    const keySerde = repartitioned?.keySerde ?? this.keySerde;
    const valueSerde = repartitioned?.valueSerde ?? this.valueSerde;
    const source = createRepartitionedSource(this.builder, {
      parentName: this.nodeName,
      topicPrefix: name,
      userNamed: repartitioned?.name != null,
      keySerde,
      valueSerde,
      partitioner: repartitioned?.partitioner ?? null,
      numberOfPartitions: repartitioned?.numberOfPartitions ?? null,
    });
    return new KStream(this.builder, source, keySerde, valueSerde, false);
  }

  /** Writes to a topic, or to the topic a `TopicNameExtractor` `(key, value, recordContext) => topic` picks. */
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    const name = this.builder.processorName(produced?.processorName, 'KSTREAM-SINK-');
    const keySerde = produced?.keySerde ?? this.keySerde;
    const valueSerde = produced?.valueSerde ?? this.valueSerde;
    const partitioner = produced?.partitioner ?? null;
    const parent = this.nodeName;
    this.builder.addWriter((b) =>
      b.addSink(name, topic, (keySerde?.serializer() ?? null) as any, (valueSerde?.serializer() ?? null) as any, partitioner, parent),
    );
  }

  toTable(named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const args = namedAndMaterialized(named, materialized);
    const name = this.name(args.named, 'KSTREAM-TOTABLE-');
    const mi = MaterializedInternal.of(args.materialized, this.builder, 'KSTREAM-TOTABLE-');
    mi.keySerde ??= this.keySerde;
    mi.valueSerde ??= this.valueSerde;
    let input: KStream<K, V> = this;
    if (this.repartitionRequired) {
      const source = createRepartitionedSource(this.builder, {
        parentName: this.nodeName,
        topicPrefix: `${name}-repartition`,
        userNamed: args.named !== undefined,
        keySerde: mi.keySerde,
        valueSerde: mi.valueSerde,
      });
      input = new KStream(this.builder, source, mi.keySerde, mi.valueSerde, false);
    }
    // Like a source table: materialized only if the store is named or a downstream operator needs old values.
    const supplier = new KTableSourceSupplier<K, V>(mi.storeName, mi.queryableStoreName());
    const parent = input.nodeName;
    this.builder.addWriter((b, config) => {
      b.addProcessor(name, () => supplier.get(), parent);
      // decided at build time, after every downstream operator had the chance to ask for old values
      if (supplier.materialized()) b.addStateStore(mi.timestampedKeyValueStoreBuilder(config), false, name);
    });
    return new KTable(this.builder, name, mi.keySerde, mi.valueSerde, supplier, mi.queryableStoreName());
  }

  /** `process(supplier, ...storeNames)` or `process(supplier, named, ...storeNames)`. The key may change. */
  process<KR, VR>(supplier: ProcessorSupplier<K, V, KR, VR>, ...namedAndStores: Array<Named | string>): KStream<KR, VR> {
    const named = namedAndStores[0] instanceof Named ? (namedAndStores.shift() as Named) : undefined;
    // unlike most operators, Java draws no index for a named process() / processValues()
    const name = nameOf(named) ?? this.builder.newProcessorName('KSTREAM-PROCESSOR-');
    return this.addProcessor(name, supplier, null, null, true, namedAndStores as string[]);
  }

  /** `processValues(supplier, ...storeNames)` or with a leading `Named`. The key stays, so no repartition follows. */
  processValues<VR>(supplier: FixedKeyProcessorSupplier<K, V, VR>, ...namedAndStores: Array<Named | string>): KStream<K, VR> {
    const named = namedAndStores[0] instanceof Named ? (namedAndStores.shift() as Named) : undefined;
    return this.addProcessor(
      nameOf(named) ?? this.builder.newProcessorName('KSTREAM-PROCESSVALUES-'),
      fixedKeyProcessorSupplier(supplier),
      this.keySerde,
      null,
      this.repartitionRequired,
      namedAndStores as string[],
    );
  }

  /** Windowed inner join with another stream (joiner `(v, vo)` or `(key, v, vo)`; see `stream-stream-join.ts`). */
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoinerWithKey<K, V, VO, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  /** Stream-table join: each record joins the table's current value of its key; table updates emit nothing. */
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoinerWithKey<K, V, VT, VR>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  /** Join with a global table, looked up by `keySelector(key, value)`. */
  join<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG, joiner: ValueJoiner<V, VG, VR>, named?: Named): KStream<K, VR>;
  join<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG, joiner: ValueJoinerWithKey<K, V, VG, VR>, named?: Named): KStream<K, VR>;
  join(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this, 'inner', args);
  }

  /** Windowed left join: a record without partner is emitted with null once its window and grace passed. */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoinerWithKey<K, V, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT | null, VR>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: ValueJoinerWithKey<K, V, VT | null, VR>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  leftJoin<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG | null, joiner: ValueJoiner<V, VG | null, VR>, named?: Named): KStream<K, VR>;
  leftJoin<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: (key: K, value: V) => KG | null, joiner: ValueJoinerWithKey<K, V, VG | null, VR>, named?: Named): KStream<K, VR>;
  leftJoin(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this, 'left', args);
  }

  /** Windowed outer join: records of either side without partner are emitted with null once their window closed. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoinerWithKey<K, V | null, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  outerJoin(...args: unknown[]): KStream<any, any> {
    return kstreamJoin(this, 'outer', args);
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStream(
      this.builder,
      this.nodeName,
      grouped?.keySerde ?? this.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      this.repartitionRequired,
      grouped?.name ?? null,
    );
  }

  groupBy<KR>(keySelector: (key: K, value: V) => KR, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
    const name = this.builder.processorName(grouped?.name, 'KSTREAM-KEY-SELECT-');
    const selected = this.addProcessor<KR, V>(name, kstreamSelectKey(keySelector), null, this.valueSerde, true);
    return new KGroupedStream(
      this.builder,
      selected.nodeName,
      grouped?.keySerde ?? null,
      grouped?.valueSerde ?? this.valueSerde,
      true,
      grouped?.name ?? null,
    );
  }
}
