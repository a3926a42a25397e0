import { StreamsConfig, type StreamsProperties } from '../config/streams-config.js';
import { KTableSourceSupplier } from '../operators/ktable-source.js';
import type { ProcessorSupplier } from '../processor/api.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { Topology } from '../topology/topology.js';
import { Consumed } from './consumed.js';
import { GlobalKTable } from './global-ktable.js';
import { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';

type TableArgs<K, V> = [] | [Consumed<K, V>] | [Materialized<K, V>] | [Consumed<K, V>, Materialized<K, V>];

function consumedAndMaterialized<K, V>(args: TableArgs<K, V>): { consumed: Consumed<K, V>; materialized: Materialized<K, V> | undefined } {
  const list = args as ReadonlyArray<Consumed<K, V> | Materialized<K, V>>;
  const consumed = (list.find((a) => a instanceof Consumed) as Consumed<K, V> | undefined) ?? Consumed.with<K, V>(null, null);
  const materialized = list.find((a) => a instanceof Materialized) as Materialized<K, V> | undefined;
  return { consumed, materialized };
}

/**
 * Java's `StreamsBuilder`: the entry point of the DSL. `build()` writes the DSL graph into a `Topology`
 * with Java's generated node names.
 */
export class StreamsBuilder {
  private readonly internal = new InternalStreamsBuilder();
  private topology: Topology | null = null;

  /** One topic, a list of topics, or a RegExp pattern of topics. */
  stream<K = any, V = any>(topics: string | readonly string[] | RegExp, consumed: Consumed<K, V> = Consumed.with<K, V>(null, null)): KStream<K, V> {
    const name = this.internal.processorName(consumed.processorName, 'KSTREAM-SOURCE-');
    const topicsOrPattern = typeof topics === 'string' ? [topics] : topics;
    this.internal.addWriter((b) =>
      b.addSource(
        consumed.offsetResetPolicy,
        name,
        consumed.timestampExtractor,
        (consumed.keySerde?.deserializer() ?? null) as any,
        (consumed.valueSerde?.deserializer() ?? null) as any,
        topicsOrPattern instanceof RegExp ? topicsOrPattern : [...topicsOrPattern],
      ),
    );
    return new KStream(this.internal, name, consumed.keySerde, consumed.valueSerde, false);
  }

  /** `table(topic)`, `table(topic, consumed)`, `table(topic, materialized)`, `table(topic, consumed, materialized)`. */
  table<K = any, V = any>(topic: string, ...args: TableArgs<K, V>): KTable<K, V> {
    const { consumed, materialized } = consumedAndMaterialized(args);
    const mi = MaterializedInternal.of(materialized, this.internal, `${topic}-`);
    mi.keySerde ??= consumed.keySerde;
    mi.valueSerde ??= consumed.valueSerde;
    // A Consumed name names the table's processor; its source node gets the name plus "-source".
    const given = consumed.processorName;
    const sourceName = this.internal.processorName(given === null ? null : `${given}-source`, 'KSTREAM-SOURCE-');
    const tableSourceName = this.internal.processorName(given, 'KTABLE-SOURCE-');
    const supplier = new KTableSourceSupplier<K, V>(mi.storeName, mi.queryableStoreName());
    const keySerde = consumed.keySerde ?? mi.keySerde;
    const valueSerde = consumed.valueSerde ?? mi.valueSerde;
    this.internal.addWriter((b, config) => {
      b.addSource(
        consumed.offsetResetPolicy,
        sourceName,
        consumed.timestampExtractor,
        (keySerde?.deserializer() ?? null) as any,
        (valueSerde?.deserializer() ?? null) as any,
        [topic],
      );
      b.addProcessor(tableSourceName, () => supplier.get(), sourceName);
      // decided now, after every downstream operator had the chance to ask for old values
      if (supplier.materialized()) b.addStateStore(mi.timestampedKeyValueStoreBuilder(config), false, tableSourceName);
    });
    return new KTable(this.internal, tableSourceName, mi.keySerde, mi.valueSerde, supplier, mi.queryableStoreName());
  }

  globalTable<K = any, V = any>(topic: string, ...args: TableArgs<K, V>): GlobalKTable<K, V> {
    const { consumed, materialized } = consumedAndMaterialized(args);
    const mi = MaterializedInternal.of(materialized, this.internal, `${topic}-`);
    mi.keySerde ??= consumed.keySerde;
    mi.valueSerde ??= consumed.valueSerde;
    const sourceName = this.internal.newProcessorName('KSTREAM-SOURCE-');
    const processorName = this.internal.newProcessorName('KTABLE-SOURCE-');
    const supplier = new KTableSourceSupplier<K, V>(mi.storeName, mi.storeName);
    const keySerde = consumed.keySerde ?? mi.keySerde;
    const valueSerde = consumed.valueSerde ?? mi.valueSerde;
    this.internal.addWriter((b, config) => {
      const storeBuilder = mi.timestampedKeyValueStoreBuilder(config).withLoggingDisabled();
      b.addGlobalStore(
        storeBuilder,
        sourceName,
        consumed.timestampExtractor,
        (keySerde?.deserializer() ?? null) as any,
        (valueSerde?.deserializer() ?? null) as any,
        topic,
        processorName,
        () => supplier.get() as any,
      );
    });
    return new GlobalKTable<K, V>(mi.storeName);
  }

  addStateStore(builder: StoreBuilder<StateStore>): this {
    this.internal.addWriter((b) => b.addStateStore(builder, false));
    return this;
  }

  addGlobalStore<K, V>(
    storeBuilder: StoreBuilder<StateStore>,
    topic: string,
    consumed: Consumed<K, V>,
    stateUpdateSupplier: ProcessorSupplier<K, V, void, void>,
  ): this {
    const sourceName = this.internal.newProcessorName('KSTREAM-SOURCE-');
    const processorName = this.internal.newProcessorName('KTABLE-SOURCE-');
    this.internal.addWriter((b) =>
      b.addGlobalStore(
        storeBuilder,
        sourceName,
        consumed.timestampExtractor,
        (consumed.keySerde?.deserializer() ?? null) as any,
        (consumed.valueSerde?.deserializer() ?? null) as any,
        topic,
        processorName,
        stateUpdateSupplier as ProcessorSupplier<any, any, void, void>,
      ),
    );
    return this;
  }

  /** Writes the DSL graph into a Topology (once; later calls return the same Topology). */
  build(props: StreamsProperties = {}): Topology {
    if (this.topology === null) {
      const topology = new Topology();
      this.internal.writeTo(topology.internalTopologyBuilder, new StreamsConfig(props));
      this.topology = topology;
    }
    return this.topology;
  }
}
