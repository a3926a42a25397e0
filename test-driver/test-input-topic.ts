import { IllegalArgumentError } from '../src/errors/streams-error.js';
import type { KeyValue } from '../src/state/key-value.js';
import type { Serde, Serializer } from '../src/serde/serde.js';
import { TestRecord } from './test-record.js';

/** The driver's side of an input topic, as a `TestInputTopic` needs it. */
export interface InputPipe {
  pipeRecord(topic: string, key: Buffer | null, value: Buffer | null, headers: TestRecord<unknown, unknown>['headers'], timestamp: number): Promise<void>;
}

/**
 * Java's `TestInputTopic`: serializes records with the topic's serdes and pipes them into the driver.
 * Records without a timestamp get the topic's current time, which then advances by `autoAdvanceMs`.
 */
export class TestInputTopic<K, V> {
  private currentTime: number;
  private readonly keySerializer: Serializer<K>;
  private readonly valueSerializer: Serializer<V>;

  constructor(
    private readonly driver: InputPipe,
    private readonly topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    startTimestampMs: number,
    private readonly autoAdvanceMs: number,
  ) {
    if (autoAdvanceMs < 0) throw new IllegalArgumentError('autoAdvance must be positive');
    this.keySerializer = keySerde.serializer();
    this.valueSerializer = valueSerde.serializer();
    this.currentTime = startTimestampMs;
  }

  /** Advances the time used for records piped without a timestamp. */
  advanceTime(advanceMs: number): void {
    if (advanceMs < 0) throw new IllegalArgumentError('advance must be positive');
    this.currentTime += advanceMs;
  }

  /**
   * `pipeInput(record)`, `pipeInput(value)`, `pipeInput(key, value)`, `pipeInput(key, value, timestampMs)`,
   * `pipeInput(value, timestampMs)` is not ambiguous in Java but is here, so use `pipeInput(null, value, ts)`.
   */
  pipeInput(record: TestRecord<K, V>): Promise<void>;
  pipeInput(value: V): Promise<void>;
  pipeInput(key: K, value: V, timestampMs?: number): Promise<void>;
  pipeInput(...args: unknown[]): Promise<void> {
    if (args.length === 1) {
      const a = args[0];
      return this.pipeRecord(a instanceof TestRecord ? (a as TestRecord<K, V>) : new TestRecord<K, V>(null as K, a as V));
    }
    const timestamp = args.length >= 3 && args[2] !== undefined ? (args[2] as number) : null;
    return this.pipeRecord(new TestRecord<K, V>(args[0] as K, args[1] as V, null, timestamp));
  }

  async pipeRecordList(records: ReadonlyArray<TestRecord<K, V>>): Promise<void> {
    for (const r of records) await this.pipeRecord(r);
  }

  /** Pipes key-value pairs, time-stamped from `startTimestampMs` by `advanceMs` if given, else by the topic's clock. */
  async pipeKeyValueList(pairs: ReadonlyArray<KeyValue<K, V>>, startTimestampMs?: number, advanceMs = 0): Promise<void> {
    let ts = startTimestampMs;
    for (const { key, value } of pairs) {
      await this.pipeRecord(new TestRecord(key, value, null, ts ?? null));
      if (ts !== undefined) ts += advanceMs;
    }
  }

  async pipeValueList(values: readonly V[], startTimestampMs?: number, advanceMs = 0): Promise<void> {
    await this.pipeKeyValueList(values.map((value) => ({ key: null as K, value })), startTimestampMs, advanceMs);
  }

  private pipeRecord(record: TestRecord<K, V>): Promise<void> {
    let timestamp = record.timestamp;
    if (timestamp === null) {
      timestamp = this.currentTime;
      this.currentTime += this.autoAdvanceMs;
    }
    const key = this.keySerializer.serialize(this.topic, record.key, record.headers);
    const value = this.valueSerializer.serialize(this.topic, record.value, record.headers);
    return this.driver.pipeRecord(this.topic, key, value, record.headers, timestamp);
  }
}
