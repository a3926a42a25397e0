import type { Serde } from '../serde/serde.js';
import { KStream } from './kstream.js';
import { createRepartitionedSource } from './repartition.js';

/** Names Java generates: a repartition topic prefixed with one keeps generated node names too. */
const GENERATED = /^KSTREAM.*-[0-9]{10}$/;

/** The repartition source last made for each stream by a join (Java keeps it on the KStreamImpl). */
const lastJoinRepartition = new WeakMap<KStream<any, any>, string>();

/**
 * Java's `KStreamImpl.repartitionForJoin`: a stream whose key changed is written to `<name>-repartition` and
 * read back, so that it is partitioned by its new key like the stream or table it joins. `repartitionName`
 * is the join's name plus a suffix, or the stream's own node name when the join is unnamed; in that case a
 * stream joined twice reuses its repartition topic (Java still draws the three node names, so later
 * generated names match).
 */
export function repartitionForJoin<K, V>(stream: KStream<K, V>, repartitionName: string, keySerde: Serde<K> | null, valueSerde: Serde<V> | null): KStream<K, V> {
  const builder = stream.builder;
  const previous = lastJoinRepartition.get(stream);
  if (previous !== undefined && repartitionName === stream.nodeName) {
    builder.newProcessorName('KSTREAM-SINK-');
    builder.newProcessorName('KSTREAM-FILTER-');
    builder.newProcessorName('KSTREAM-SOURCE-');
    return new KStream(builder, previous, keySerde, valueSerde, false);
  }
  const source = createRepartitionedSource(builder, {
    parentName: stream.nodeName,
    topicPrefix: repartitionName,
    userNamed: !GENERATED.test(repartitionName),
    keySerde,
    valueSerde,
  });
  lastJoinRepartition.set(stream, source);
  return new KStream(builder, source, keySerde, valueSerde, false);
}
