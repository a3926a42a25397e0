import { isDefaultable } from '../../serde/defaultable-serde.js';
import { ConfigError } from '../../errors/streams-error.js';
import type { Deserializer } from '../../serde/serde.js';
import type { MaybePromise } from '../../util/maybe-promise.js';
import type { TimestampExtractor } from '../api.js';
import type { Headers } from '../headers.js';
import { Record } from '../record.js';
import type { TaskContext } from './node-context.js';
import { ProcessorNode } from './processor-node.js';

/** Java's `SourceNode`: turns a topic's bytes into typed records and passes them on unchanged. */
export class SourceNode<K = unknown, V = unknown> extends ProcessorNode<K, V, K, V> {
  private keyDeserializer: Deserializer<K> | null;
  private valueDeserializer: Deserializer<V> | null;

  constructor(
    name: string,
    readonly topics: readonly string[] | null,
    readonly pattern: RegExp | null,
    keyDeserializer: Deserializer<unknown> | null,
    valueDeserializer: Deserializer<unknown> | null,
    readonly timestampExtractor: TimestampExtractor | null,
  ) {
    super(name, null);
    this.keyDeserializer = keyDeserializer as Deserializer<K> | null;
    this.valueDeserializer = valueDeserializer as Deserializer<V> | null;
  }

  override init(task: TaskContext): MaybePromise<void> {
    super.init(task);
    this.keyDeserializer ??= (task.defaultKeySerde()?.deserializer() as Deserializer<K> | undefined) ?? null;
    this.valueDeserializer ??= (task.defaultValueSerde()?.deserializer() as Deserializer<V> | undefined) ?? null;
    for (const d of [this.keyDeserializer, this.valueDeserializer]) {
      if (isDefaultable(d)) d.setIfUnset(task.defaultKeySerde(), task.defaultValueSerde());
    }
    if (this.keyDeserializer === null || this.valueDeserializer === null) {
      throw new ConfigError(
        `Source ${this.name} has no ${this.keyDeserializer === null ? 'key' : 'value'} deserializer: pass serdes with Consumed.with(...) ` +
          `or set 'default.key.serde' / 'default.value.serde' in the config.`,
      );
    }
  }

  deserializeKey(topic: string, data: Buffer | null, headers: Headers): K {
    return this.keyDeserializer!.deserialize(topic, data, headers) as K;
  }

  deserializeValue(topic: string, data: Buffer | null, headers: Headers): V {
    return this.valueDeserializer!.deserialize(topic, data, headers) as V;
  }

  matches(topic: string): boolean {
    return this.topics !== null ? this.topics.includes(topic) : matchesWholeName(this.pattern!, topic);
  }

  protected override doProcess(record: Record<K, V>): MaybePromise<void> {
    return this.context.forward(record);
  }
}

/**
 * Java subscribes with `pattern.matcher(topic).matches()`: the pattern must match the whole topic name,
 * where a JavaScript `RegExp.test` would accept a match anywhere in it.
 */
export function matchesWholeName(pattern: RegExp, topic: string): boolean {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, '')).test(topic);
}
