import { isDefaultable } from '../../serde/defaultable-serde.js';
import { ConfigError, StreamsError } from '../../errors/streams-error.js';
import type { Serializer } from '../../serde/serde.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import type { StreamPartitioner, TopicNameExtractor } from '../api.js';
import type { Record } from '../record.js';
import type { TaskContext } from './node-context.js';
import { ProcessorNode } from './processor-node.js';
import type { RecordCollector } from './record-collector.js';
import { ProcessorRecordContext } from './record-context.js';

/** Java's `SinkNode`: serializes records and hands them to the task's record collector. */
export class SinkNode<K = unknown, V = unknown> extends ProcessorNode<K, V, never, never> {
  private keySerializer: Serializer<K> | null;
  private valueSerializer: Serializer<V> | null;

  constructor(
    name: string,
    private readonly topic: string | null,
    private readonly topicExtractor: TopicNameExtractor<K, V> | null,
    keySerializer: Serializer<unknown> | null,
    valueSerializer: Serializer<unknown> | null,
    private readonly partitioner: StreamPartitioner<K, V> | null,
    private readonly collector: RecordCollector,
    /** Maps a raw topic name to the real one (internal topics get the application id prefix). */
    private readonly decorate: (topic: string) => string,
  ) {
    super(name, null);
    this.keySerializer = keySerializer as Serializer<K> | null;
    this.valueSerializer = valueSerializer as Serializer<V> | null;
  }

  /** As Java's: a sink has no children (the topology builder refuses a sink as a parent). */
  override addChild(): never {
    throw new StreamsError('sink node does not allow addChild');
  }

  override init(task: TaskContext): MaybePromise<void> {
    super.init(task);
    this.keySerializer ??= (task.defaultKeySerde()?.serializer() as Serializer<K> | undefined) ?? null;
    this.valueSerializer ??= (task.defaultValueSerde()?.serializer() as Serializer<V> | undefined) ?? null;
    for (const s of [this.keySerializer, this.valueSerializer]) {
      if (isDefaultable(s)) s.setIfUnset(task.defaultKeySerde(), task.defaultValueSerde());
    }
    if (this.keySerializer === null || this.valueSerializer === null) {
      throw new ConfigError(
        `Sink ${this.name} has no ${this.keySerializer === null ? 'key' : 'value'} serializer: pass serdes with Produced.with(...) ` +
          `or set 'default.key.serde' / 'default.value.serde' in the config.`,
      );
    }
  }

  protected override doProcess(record: Record<K, V>): MaybePromise<void> {
    const task = this.context.task;
    let topic: string;
    if (this.topicExtractor !== null) {
      const rc = task.recordContext();
      const extracted = this.topicExtractor(
        record.key,
        record.value,
        new ProcessorRecordContext(record.timestamp, rc.offset(), rc.partition(), rc.topic(), record.headers),
      );
      if (typeof extracted !== 'string' || extracted === '') throw new StreamsError(`Topic name extractor of ${this.name} returned no topic name: ${String(extracted)}`);
      topic = extracted;
    } else {
      topic = this.decorate(this.topic!);
    }
    const key = this.keySerializer!.serialize(topic, record.key, record.headers);
    const value = this.valueSerializer!.serialize(topic, record.value, record.headers);
    // a snapshot, as Java's ProducerRecord copies the headers: a later change upstream must not reach it
    const headers = record.headers.copy();
    if (this.partitioner === null) {
      this.collector.send(topic, key, value, headers, record.timestamp, null);
      return;
    }
    const partitioner = this.partitioner;
    const send = (count: number): void =>
      this.collector.send(topic, key, value, headers, record.timestamp, partitioner(topic, record.key, record.value, count));
    const count = this.collector.partitionsFor(topic);
    return isPromise(count) ? count.then(send) : send(count);
  }
}
