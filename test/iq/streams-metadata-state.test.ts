import { describe, expect, it } from 'vitest';
import { HostInfo, KeyQueryMetadata } from '../../src/iq/metadata.js';
import { StreamsMetadataState, type MetadataSources } from '../../src/iq/streams-metadata-state.js';
import { Serdes } from '../../src/serde/serdes.js';

// Two sub-topologies: `counts` reads `orders` (6 partitions); `totals` reads a repartition topic (6) and `rates` (3).
const sources = (partitionsByHost: MetadataSources['partitionsByHost'] extends () => infer R ? R : never, thisHost: string | null = 'a:1'): MetadataSources => ({
  subtopologies: [
    { sourceTopics: ['orders'], stores: ['counts'] },
    { sourceTopics: ['app-repartition', 'rates'], stores: ['totals', 'totals-2'] },
  ],
  globalStores: ['symbols'],
  partitionCounts: new Map([
    ['orders', 6],
    ['app-repartition', 6],
    ['rates', 3],
  ]),
  thisHost,
  partitionsByHost: () => partitionsByHost,
});

const tp = (topic: string, ...partitions: number[]) => partitions.map((partition) => ({ topic, partition }));
const assignment = {
  'b:2': [...tp('orders', 3, 4, 5), ...tp('app-repartition', 0, 1), ...tp('rates', 0, 1)],
  'a:1': [...tp('orders', 0, 1, 2), ...tp('app-repartition', 2, 3, 4, 5), ...tp('rates', 2)],
};
const S = Serdes.String().serializer();

describe('StreamsMetadataState (key routing)', () => {
  it('routes a key to the partition the Java producer picks (murmur2 over the widest source topic) and its host', () => {
    const state = new StreamsMetadataState(sources(assignment));
    // murmur2 values of these keys are Kafka's own test vectors: foobar -> 0, abc -> 3, a-little-bit-long-string -> 2 (of 6)
    expect(state.keyQueryMetadata('counts', 'foobar', S)).toEqual(new KeyQueryMetadata(new HostInfo('a', 1), [], 0));
    expect(state.keyQueryMetadata('counts', 'abc', S)).toEqual(new KeyQueryMetadata(new HostInfo('b', 2), [], 3));
    expect(state.keyQueryMetadata('totals', 'a-little-bit-long-string', S)).toEqual(new KeyQueryMetadata(new HostInfo('a', 1), [], 2));
    expect(state.keyQueryMetadata('totals', 'foobar', S)?.activeHost).toEqual(new HostInfo('b', 2));
  });

  it('null for a store not in the topology; NOT_AVAILABLE before any assignment; global stores answer here', () => {
    expect(new StreamsMetadataState(sources(assignment)).keyQueryMetadata('nope', 'k', S)).toBeNull();
    expect(new StreamsMetadataState(sources({})).keyQueryMetadata('counts', 'k', S)).toBe(KeyQueryMetadata.NOT_AVAILABLE);
    expect(KeyQueryMetadata.NOT_AVAILABLE.activeHost).toEqual(new HostInfo('unavailable', -1));
    expect(new StreamsMetadataState(sources(assignment, 'b:2')).keyQueryMetadata('symbols', 'k', S)).toEqual(new KeyQueryMetadata(new HostInfo('b', 2), [], -1));
  });

  it('lists every instance with its stores and partitions, and the hosts of a store', () => {
    const state = new StreamsMetadataState(sources({ ...assignment, 'c:3': [] }));
    const all = state.allMetadata();
    expect(all.map((m) => m.hostInfo.toString())).toEqual(['a:1', 'b:2', 'c:3']);
    expect(all[0]!.stateStoreNames).toEqual(['counts', 'symbols', 'totals', 'totals-2']);
    expect(all[0]!.topicPartitions).toEqual([...tp('app-repartition', 2, 3, 4, 5), ...tp('orders', 0, 1, 2), ...tp('rates', 2)]);
    expect(all[2]!.stateStoreNames).toEqual(['symbols']);
    expect(state.metadataForStore('counts').map((m) => m.hostInfo.toString())).toEqual(['a:1', 'b:2']);
    expect(state.metadataForStore('symbols').map((m) => m.hostInfo.toString())).toEqual(['a:1', 'b:2', 'c:3']);
    expect(state.metadataForStore('nope')).toEqual([]);
  });

  it('names the owner of every partition of a store', () => {
    const owners = new StreamsMetadataState(sources(assignment)).partitionsOfStore('totals');
    expect(owners.map((m) => `${m.partition}@${m.activeHost.toString()}`)).toEqual(['0@b:2', '1@b:2', '2@a:1', '3@a:1', '4@a:1', '5@a:1']);
    expect(new StreamsMetadataState(sources(assignment)).partitionsOfStore('symbols')).toEqual([]);
  });

  it('parses application.server endpoints and rejects malformed ones', () => {
    expect(HostInfo.buildFromEndpoint('127.0.0.1:7070')).toEqual(new HostInfo('127.0.0.1', 7070));
    expect(() => HostInfo.buildFromEndpoint('localhost')).toThrow(/not a valid host:port/);
    expect(() => HostInfo.buildFromEndpoint('h:99999')).toThrow(/not a valid host:port/);
  });
});
