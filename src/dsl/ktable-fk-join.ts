import { StreamsError } from '../errors/streams-error.js';
import { foreignTableJoin, responseJoin, subscriptionJoinForeign, subscriptionReceive, subscriptionSend } from '../operators/fk-join.js';
import { KTableSourceSupplier } from '../operators/ktable-source.js';
import { valueGetterOf } from '../operators/ktable-value-getter.js';
import { FailOnInvalidTimestamp } from '../processor/timestamp-extractors.js';
import { Serdes } from '../serde/serdes.js';
import type { Deserializer, Serde, Serializer } from '../serde/serde.js';
import { Stores } from '../state/stores.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { KTable } from './ktable.js';
import { Materialized, StoreType } from './materialized.js';
import { MaterializedInternal } from './materialized-internal.js';
import { Named } from './named.js';
import { TableJoined } from './table-joined.js';
import type { ValueJoiner } from './value-joiner.js';

/**
 * Java's `KTableImpl.doJoinOnForeignKey`: `left.join(right, foreignKeyExtractor, joiner)` (see
 * `operators/fk-join.ts` for the protocol). Nodes, stores and internal topics get Java's names, generated
 * indexes drawn in Java's order (registration topic, registration processor, its sink and source, the
 * subscription store, the three subscription processors, response topic, sink, source, resolver, output),
 * or `<TableJoined name>-subscription-registration-topic` etc. The left table sends old values (to
 * unsubscribe a row from its previous foreign key); both tables are looked up through value getters.
 */
export function foreignKeyJoin<K, V, KO, VO, VR>(
  left: KTable<K, V>,
  right: KTable<KO, VO>,
  foreignKeyExtractor: ((value: V) => KO | null) | ((key: K, value: V) => KO | null),
  joiner: ValueJoiner<V, VO | null, VR>,
  args: readonly unknown[],
  leftJoin: boolean,
): KTable<K, VR> {
  if (!(right instanceof KTable)) throw new StreamsError('other must be a KTable');
  if (typeof foreignKeyExtractor !== 'function') throw new StreamsError("foreignKeyExtractor can't be null");
  if (typeof joiner !== 'function') throw new StreamsError("joiner can't be null");
  let tableJoined: TableJoined<K, KO> | undefined;
  let materialized: Materialized<K, VR> | undefined;
  for (const a of args) {
    if (a instanceof TableJoined) tableJoined = a;
    else if (a instanceof Named) tableJoined = TableJoined.as(a.name!);
    else if (a instanceof Materialized) materialized = a;
    else if (a !== undefined && a !== null) throw new StreamsError('expected TableJoined (or Named) and/or Materialized after the joiner');
  }
  if (tableJoined?.partitioner || tableJoined?.otherPartitioner) {
    throw new StreamsError('TableJoined partitioners are not supported: the join topics use the default (murmur2) partitioner');
  }
  const extract = (foreignKeyExtractor.length >= 2 ? foreignKeyExtractor : (_k: K, v: V) => (foreignKeyExtractor as (value: V) => KO | null)(v)) as (key: K, value: V) => KO | null;
  const builder = left.builder;
  const name = tableJoined?.name ?? null;
  const named = (suffix: string, prefix: string): string => {
    const generated = builder.newProcessorName(prefix);
    if (name === null) return generated;
    Named.validate(name + suffix);
    return name + suffix;
  };
  const registrationTopic = name === null ? builder.newProcessorName('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-') + '-topic' : named('-subscription-registration-topic', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-');
  const sendName = named('-subscription-registration-processor', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-');
  const registrationSink = named('-subscription-registration-sink', 'KTABLE-SINK-');
  const registrationSource = named('-subscription-registration-source', 'KTABLE-SOURCE-');
  const storeName = named('-subscription-store', 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-');
  const receiveName = named('-subscription-receive', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const joinForeignName = named('-subscription-join-foreign', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const foreignJoinName = named('-foreign-join-subscription', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const responseTopic = name === null ? builder.newProcessorName('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-') + '-topic' : named('-subscription-response-topic', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-');
  const responseSink = named('-subscription-response-sink', 'KTABLE-SINK-');
  const responseSource = named('-subscription-response-source', 'KTABLE-SOURCE-');
  const resolverName = named('-subscription-response-resolver', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-');
  const outputName = named('-result', 'KTABLE-FK-JOIN-OUTPUT-');
  const mi = MaterializedInternal.of(materialized, builder, 'KTABLE-FK-JOIN-OUTPUT-');
  mi.keySerde ??= left.keySerde;

  // the left table must say what a row was, to unsubscribe it from its old foreign key
  left.valueSource.enableSendingOldValues(true);
  const leftGetter = valueGetterOf<K, V>(left.valueSource);
  const rightGetter = valueGetterOf<KO, VO>(right.valueSource);
  const serdes = {
    leftKey: left.keySerde as Serde<unknown> | null,
    leftValue: left.valueSerde as Serde<unknown> | null,
    rightKey: right.keySerde as Serde<unknown> | null,
    rightValue: right.valueSerde as Serde<unknown> | null,
  };
  const output = new KTableSourceSupplier<K, VR>(mi.storeName, mi.queryableStoreName());
  const bytesSer = Serdes.ByteArray().serializer() as Serializer<unknown>;
  const bytesDes = Serdes.ByteArray().deserializer() as Deserializer<unknown>;
  const leftNode = left.nodeName;
  const rightNode = right.nodeName;

  builder.addWriter((b, config) => {
    b.addInternalTopic(registrationTopic);
    b.addInternalTopic(responseTopic);
    b.addProcessor(sendName, subscriptionSend<K, V, KO>(extract, leftJoin, serdes, registrationTopic), leftNode);
    b.addSink(registrationSink, registrationTopic, bytesSer, bytesSer, null, sendName);
    b.addSource(null, registrationSource, new FailOnInvalidTimestamp(), bytesDes, bytesDes, [registrationTopic]);
    const supplier = config.get('default.dsl.store') === StoreType.IN_MEMORY ? Stores.inMemoryKeyValueStore(storeName) : Stores.persistentTimestampedKeyValueStore(storeName);
    b.addStateStore(Stores.timestampedKeyValueStoreBuilder(supplier, Serdes.ByteArray(), Serdes.ByteArray()) as unknown as StoreBuilder<StateStore>, false);
    b.addProcessor(receiveName, subscriptionReceive(storeName), registrationSource);
    b.connectProcessorAndStateStores(receiveName, storeName);
    b.addProcessor(joinForeignName, subscriptionJoinForeign<KO, VO>(rightGetter, serdes, registrationTopic), receiveName);
    b.connectProcessorAndStateStores(joinForeignName, ...rightGetter.storeNames());
    b.addProcessor(foreignJoinName, foreignTableJoin<KO, VO>(storeName, serdes, registrationTopic), rightNode);
    b.connectProcessorAndStateStores(foreignJoinName, storeName);
    b.addSink(responseSink, responseTopic, bytesSer, bytesSer, null, joinForeignName, foreignJoinName);
    b.addSource(null, responseSource, new FailOnInvalidTimestamp(), bytesDes, bytesDes, [responseTopic]);
    b.addProcessor(resolverName, responseJoin<K, V, VO, VR>(leftGetter, joiner, leftJoin, serdes, registrationTopic), responseSource);
    b.connectProcessorAndStateStores(resolverName, ...leftGetter.storeNames());
    b.addProcessor(outputName, () => output.get(), resolverName);
    // decided now, after every downstream operator had the chance to ask for old values
    if (output.materialized()) b.addStateStore(mi.timestampedKeyValueStoreBuilder(config), false, outputName);
    // subscriptions travel partitioned like the right table, answers like the left one
    b.copartitionUpstreamSources([registrationSource, rightNode]);
    b.copartitionUpstreamSources([responseSource, leftNode]);
  });
  return new KTable<K, VR>(builder, outputName, mi.keySerde, mi.valueSerde, output, mi.queryableStoreName());
}
