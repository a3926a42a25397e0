import { NoSuchElementError, StreamsError } from '../src/errors/streams-error.js';
import type { Deserializer, Serde } from '../src/serde/serde.js';
import type { KeyValue } from '../src/state/key-value.js';
import type { ProducedRecord } from './produced-record.js';
import { TestRecord } from './test-record.js';

/** The driver's side of an output topic: its queue of records not yet read. */
export interface OutputQueue {
  readOutput(topic: string): ProducedRecord | undefined;
  queueSize(topic: string): number;
  /** Whether anything was ever produced to `topic` (Java's "initialized" output topic). */
  hasOutputTopic(topic: string): boolean;
}

/** Java's `TestOutputTopic`: reads (and removes) what sinks produced to a topic, in order. */
export class TestOutputTopic<K, V> {
  private readonly keyDeserializer: Deserializer<K>;
  private readonly valueDeserializer: Deserializer<V>;

  constructor(
    private readonly driver: OutputQueue,
    private readonly topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ) {
    this.keyDeserializer = keySerde.deserializer();
    this.valueDeserializer = valueSerde.deserializer();
  }

  readRecord(): TestRecord<K, V> {
    const r = this.driver.readOutput(this.topic);
    if (r === undefined) {
      // Java tells a topic nothing was ever produced to from one that has been read to the end
      throw new NoSuchElementError(`${this.driver.hasOutputTopic(this.topic) ? 'Empty' : 'Uninitialized'} topic: ${this.topic}`);
    }
    const key = this.keyDeserializer.deserialize(this.topic, r.key, r.headers) as K;
    const value = this.valueDeserializer.deserialize(this.topic, r.value, r.headers) as V;
    return new TestRecord(key, value, r.headers, r.timestamp);
  }

  readValue(): V {
    return this.readRecord().value;
  }

  readKeyValue(): KeyValue<K, V> {
    const r = this.readRecord();
    return { key: r.key, value: r.value };
  }

  readRecordsToList(): TestRecord<K, V>[] {
    const out: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): KeyValue<K, V>[] {
    return this.readRecordsToList().map((r) => ({ key: r.key, value: r.value }));
  }

  /**
   * The last value per key (a tombstone leaves the key mapped to `null`, as in Java). Keys are compared as
   * `Map` keys: by value for strings and numbers, by identity for objects. As in Java, a null key fails
   * (an IllegalStateException there), leaving the records after it unread.
   */
  readKeyValuesToMap(): Map<K, V> {
    const out = new Map<K, V>();
    while (!this.isEmpty()) {
      const r = this.readRecord();
      if (r.key === null || r.key === undefined) {
        throw new StreamsError('Null keys not allowed with readKeyValuesToMap method', { code: 'ILLEGAL_STATE' });
      }
      out.set(r.key, r.value);
    }
    return out;
  }

  getQueueSize(): number {
    return this.driver.queueSize(this.topic);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }
}
