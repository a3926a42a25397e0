import type { StreamsConfig } from '../config/streams-config.js';
import type { Processor } from '../processor/api.js';
import type { Serde } from '../serde/serde.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import type { KTableValueSource } from '../operators/tuple-forwarder.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KTable } from './ktable.js';
import { createRepartitionedSource } from './repartition.js';

/** What a windowed stream knows of the grouped stream it came from. */
export interface GroupedStreamInfo<K, V> {
  readonly builder: InternalStreamsBuilder;
  readonly nodeName: string;
  readonly keySerde: Serde<K> | null;
  readonly valueSerde: Serde<V> | null;
  readonly repartitionRequired: boolean;
  readonly groupedName: string | null;
}

/** An aggregation's processor: its supplier, which downstream operators may ask for old values. */
export interface AggregateSupplier extends KTableValueSource {
  get(): Processor<any, any, any, any>;
}

/**
 * Java's `GroupedStreamAggregateBuilder.build`: repartitions first when the key changed upstream (topic
 * `<grouped name or store name>-repartition`), then adds the aggregation processor with its store.
 */
export function buildGroupedAggregate<K, V, KR, VR>(
  g: GroupedStreamInfo<K, V>,
  spec: {
    readonly name: string;
    readonly storeName: string;
    /** Whether the store name was given by the user (then the repartition nodes are named after the topic). */
    readonly storeNamed: boolean;
    readonly queryableName: string | null;
    readonly storeBuilder: (config: StreamsConfig) => StoreBuilder<StateStore>;
    readonly supplier: AggregateSupplier;
    readonly keySerde: Serde<KR> | null;
    readonly valueSerde: Serde<VR> | null;
  },
): KTable<KR, VR> {
  let parent = g.nodeName;
  if (g.repartitionRequired) {
    parent = createRepartitionedSource(g.builder, {
      parentName: g.nodeName,
      topicPrefix: g.groupedName ?? spec.storeName,
      userNamed: g.groupedName !== null || spec.storeNamed,
      keySerde: g.keySerde,
      valueSerde: g.valueSerde,
    });
  }
  const { name, supplier } = spec;
  g.builder.addWriter((b, config) => {
    b.addProcessor(name, () => supplier.get(), parent);
    b.addStateStore(spec.storeBuilder(config), false, name);
  });
  return new KTable<KR, VR>(g.builder, name, spec.keySerde, spec.valueSerde, supplier, spec.queryableName);
}
