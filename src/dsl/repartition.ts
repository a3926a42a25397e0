import { nullKeyFilter } from '../operators/kstream-stateless.js';
import type { StreamPartitioner } from '../processor/api.js';
import { FailOnInvalidTimestamp } from '../processor/timestamp-extractors.js';
import type { Deserializer, Serde, Serializer } from '../serde/serde.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

export const REPARTITION_TOPIC_SUFFIX = '-repartition';

export interface RepartitionSpec<K, V> {
  readonly parentName: string;
  /** Topic name prefix: a user's name (Grouped/Repartitioned/Named/store) or a generated store/processor name. */
  readonly topicPrefix: string;
  /** Whether the prefix is a name the user chose: then the filter/sink/source are named after the topic. */
  readonly userNamed: boolean;
  readonly keySerde: Serde<K> | null;
  readonly valueSerde: Serde<V> | null;
  readonly partitioner?: StreamPartitioner<K, V> | null;
  readonly numberOfPartitions?: number | null;
  /** Wraps the value serializer/deserializer (KTable groupings send `Change`s). */
  readonly wrapValue?: {
    serializer(inner: Serializer<V> | null): Serializer<unknown>;
    deserializer(inner: Deserializer<V> | null): Deserializer<unknown>;
  };
}

/**
 * Java's `createRepartitionedSource`: null-key filter -> sink to `<prefix>-repartition` -> new source, which
 * starts a new sub-topology. Three names are always drawn (so later generated names match Java's); a
 * user-chosen prefix names the nodes after the topic instead.
 */
export function createRepartitionedSource<K, V>(builder: InternalStreamsBuilder, spec: RepartitionSpec<K, V>): string {
  const topic = spec.topicPrefix.endsWith(REPARTITION_TOPIC_SUFFIX) ? spec.topicPrefix : spec.topicPrefix + REPARTITION_TOPIC_SUFFIX;
  const genSink = builder.newProcessorName('KSTREAM-SINK-');
  const genFilter = builder.newProcessorName('KSTREAM-FILTER-');
  const genSource = builder.newProcessorName('KSTREAM-SOURCE-');
  const sinkName = spec.userNamed ? `${topic}-sink` : genSink;
  const filterName = spec.userNamed ? `${topic}-filter` : genFilter;
  const sourceName = spec.userNamed ? `${topic}-source` : genSource;
  builder.addWriter((b) => {
    const keySer = spec.keySerde?.serializer() ?? null;
    const keyDes = spec.keySerde?.deserializer() ?? null;
    const valueSer = spec.valueSerde?.serializer() ?? null;
    const valueDes = spec.valueSerde?.deserializer() ?? null;
    b.addInternalTopic(topic, spec.numberOfPartitions ?? null);
    b.addProcessor(filterName, nullKeyFilter<K, V>(), spec.parentName);
    b.addSink(
      sinkName,
      topic,
      keySer as Serializer<unknown> | null,
      spec.wrapValue ? spec.wrapValue.serializer(valueSer) : (valueSer as Serializer<unknown> | null),
      spec.partitioner ?? null,
      filterName,
    );
    b.addSource(
      null,
      sourceName,
      new FailOnInvalidTimestamp(),
      keyDes as Deserializer<unknown> | null,
      spec.wrapValue ? spec.wrapValue.deserializer(valueDes) : (valueDes as Deserializer<unknown> | null),
      [topic],
    );
  });
  return sourceName;
}
