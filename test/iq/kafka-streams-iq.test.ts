import { describe, expect, it } from 'vitest';
import { StreamsNotStartedError } from '../../src/errors/interactive-query-errors.js';
import { KafkaStreams, Materialized, QueryableStoreTypes, Serdes, StoreQueryParameters, StreamsBuilder } from '../../src/index.js';

describe('KafkaStreams interactive queries before start()', () => {
  it('store() and key metadata say the client is not started (Java: StreamsNotStartedException)', () => {
    const builder = new StreamsBuilder();
    builder.table('t', Materialized.as<string, string>('s'));
    const streams = new KafkaStreams(builder.build(), { 'application.id': 'iq-unit', 'bootstrap.servers': '127.0.0.1:1' });
    expect(() => streams.store(StoreQueryParameters.fromNameAndType('s', QueryableStoreTypes.keyValueStore()))).toThrow(StreamsNotStartedError);
    expect(() => streams.queryMetadataForKey('s', 'k', Serdes.String().serializer())).toThrow(/has not been started; call start\(\) before querying/);
    expect(() => streams.metadataForAllStreamsClients()).toThrow(expect.objectContaining({ code: 'STREAMS_NOT_STARTED' }) as Error);
  });
});
