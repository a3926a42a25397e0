import { describe, expect, it } from 'vitest';
import { StreamsError } from '../../src/errors/streams-error.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemoryKeyValueStore } from '../../src/state/internals/in-memory-key-value-store.js';
import { MeteredKeyValueStore, MeteredTimestampedKeyValueStore } from '../../src/state/internals/metered-key-value-store.js';
import { Stores } from '../../src/state/stores.js';
import { isTimestampedStore } from '../../src/state/timestamped-key-value-store.js';

describe('Stores', () => {
  it('inMemoryKeyValueStore supplies fresh in-memory bytes stores', () => {
    const supplier = Stores.inMemoryKeyValueStore('s');
    expect(supplier.name()).toBe('s');
    expect(supplier.metricsScope()).toBe('in-memory');
    const a = supplier.get();
    expect(a).toBeInstanceOf(InMemoryKeyValueStore);
    expect(supplier.get()).not.toBe(a);
    expect(() => Stores.inMemoryKeyValueStore(null as unknown as string)).toThrow(StreamsError);
  });

  it('builders are mutable with Java defaults', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), Serdes.String(), Serdes.Long());
    expect(builder.name()).toBe('s');
    expect(builder.loggingEnabled()).toBe(true);
    expect(builder.logConfig()).toEqual({});
    expect(builder.cachingEnabled()).toBe(false);
    expect(builder.withCachingEnabled()).toBe(builder);
    expect(builder.cachingEnabled()).toBe(true);
    expect(builder.withLoggingEnabled({ 'retention.ms': '100' })).toBe(builder);
    expect(builder.logConfig()).toEqual({ 'retention.ms': '100' });
    expect(builder.withLoggingDisabled()).toBe(builder);
    expect(builder.loggingEnabled()).toBe(false);
    expect(builder.logConfig()).toEqual({});
    expect(builder.withCachingDisabled().cachingEnabled()).toBe(false);
  });

  it('build makes a new metered store each time', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), Serdes.String(), Serdes.Long());
    const a = builder.build();
    expect(a).toBeInstanceOf(MeteredKeyValueStore);
    expect(isTimestampedStore(a)).toBe(false);
    expect(builder.build()).not.toBe(a);
    expect(a.name()).toBe('s');
    const ts = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('t'), Serdes.String(), Serdes.Long())
      .withCachingEnabled()
      .build();
    expect(ts).toBeInstanceOf(MeteredTimestampedKeyValueStore);
    expect(isTimestampedStore(ts)).toBe(true);
    expect(() => Stores.keyValueStoreBuilder(null as never, null, null)).toThrow(StreamsError);
  });
});
