import { ConfigError } from '../errors/streams-error.js';
import {
  BUILT_IN_HANDLERS,
  DefaultProductionExceptionHandler,
  ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
  LogAndFailExceptionHandler,
  LogAndFailProcessingExceptionHandler,
  type ConfigurableHandler,
  type DeserializationExceptionHandler,
  type ProcessingExceptionHandler,
  type ProductionExceptionHandler,
} from '../errors/handlers.js';
import type { TimestampExtractor } from '../processor/api.js';
import { FailOnInvalidTimestamp } from '../processor/timestamp-extractors.js';
import type { Serde } from '../serde/serde.js';
import { ROCKSDB_CONFIG_SETTER_CONFIG } from '../state/internals/level-key-value-store.js';

/** A config as users write it: Java's dotted keys in a plain object. */
export type StreamsProperties = Readonly<Record<string, unknown>>;

/** Java's `StreamsConfig`: the key names as constants, and typed access with Java's defaults. */
export class StreamsConfig {
  static readonly APPLICATION_ID_CONFIG = 'application.id';
  static readonly BOOTSTRAP_SERVERS_CONFIG = 'bootstrap.servers';
  static readonly PROCESSING_GUARANTEE_CONFIG = 'processing.guarantee';
  static readonly COMMIT_INTERVAL_MS_CONFIG = 'commit.interval.ms';
  static readonly STATE_DIR_CONFIG = 'state.dir';
  static readonly STATESTORE_CACHE_MAX_BYTES_CONFIG = 'statestore.cache.max.bytes';
  static readonly NUM_STREAM_THREADS_CONFIG = 'num.stream.threads';
  static readonly APPLICATION_SERVER_CONFIG = 'application.server';
  static readonly REPLICATION_FACTOR_CONFIG = 'replication.factor';
  static readonly MAX_TASK_IDLE_MS_CONFIG = 'max.task.idle.ms';
  static readonly DEFAULT_KEY_SERDE_CLASS_CONFIG = 'default.key.serde';
  static readonly DEFAULT_VALUE_SERDE_CLASS_CONFIG = 'default.value.serde';
  static readonly DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG = 'default.timestamp.extractor';
  static readonly DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG = 'default.deserialization.exception.handler';
  /** Java 4.x's name of `default.deserialization.exception.handler` (either is accepted; this one wins). */
  static readonly DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG = 'deserialization.exception.handler';
  static readonly DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG = 'default.production.exception.handler';
  static readonly PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG = 'production.exception.handler';
  static readonly PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG = 'processing.exception.handler';
  static readonly ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG = ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG;
  static readonly DEFAULT_DSL_STORE_CONFIG = 'default.dsl.store';
  static readonly TOPOLOGY_OPTIMIZATION_CONFIG = 'topology.optimization';
  /** A `LevelConfigSetter` function: options for every LevelDB store (Java's RocksDB config setter). */
  static readonly ROCKSDB_CONFIG_SETTER_CLASS_CONFIG = ROCKSDB_CONFIG_SETTER_CONFIG;
  static readonly WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG = 'windowstore.changelog.additional.retention.ms';
  static readonly AT_LEAST_ONCE = 'at_least_once';
  static readonly EXACTLY_ONCE_V2 = 'exactly_once_v2';
  static readonly IN_MEMORY = 'in_memory';
  static readonly ROCKS_DB = 'rocksDB';

  private static readonly DEFAULTS: Readonly<Record<string, unknown>> = {
    'processing.guarantee': 'at_least_once',
    'state.dir': '/tmp/kafka-streams',
    'statestore.cache.max.bytes': 10 * 1024 * 1024,
    'num.stream.threads': 1,
    'replication.factor': -1,
    'max.task.idle.ms': 0,
    'default.dsl.store': 'rocksDB',
    'windowstore.changelog.additional.retention.ms': 24 * 60 * 60 * 1000,
  };

  readonly originals: StreamsProperties;

  constructor(props: StreamsProperties) {
    this.originals = { ...props };
  }

  get(key: string): unknown {
    if (key === StreamsConfig.COMMIT_INTERVAL_MS_CONFIG && this.originals[key] === undefined) {
      return this.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG) === 'at_least_once' ? 30000 : 100;
    }
    return this.originals[key] ?? StreamsConfig.DEFAULTS[key];
  }

  getString(key: string): string {
    const v = this.get(key);
    if (typeof v !== 'string' || v === '') throw new ConfigError(`Missing required configuration "${key}" which has no default value.`);
    return v;
  }

  getNumber(key: string): number {
    const v = this.get(key);
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || Number.isNaN(n)) throw new ConfigError(`Invalid value ${String(v)} for configuration ${key}: expected a number.`);
    return n;
  }

  /** `exactly_once_v2` (and the older `exactly_once` / `exactly_once_beta` spellings). */
  isExactlyOnce(): boolean {
    return String(this.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).startsWith('exactly_once');
  }

  defaultKeySerde(): Serde<unknown> | null {
    return this.serde(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG);
  }

  defaultValueSerde(): Serde<unknown> | null {
    return this.serde(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
  }

  defaultTimestampExtractor(): TimestampExtractor {
    return this.instance<TimestampExtractor>(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, 'extract') ?? new FailOnInvalidTimestamp();
  }

  deserializationExceptionHandler(): DeserializationExceptionHandler {
    return this.handler(
      [StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG],
      () => new LogAndFailExceptionHandler(),
    );
  }

  /** `processing.exception.handler` (KIP-1033); default: fail. */
  processingExceptionHandler(): ProcessingExceptionHandler {
    return this.handler([StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG], () => new LogAndFailProcessingExceptionHandler());
  }

  /** `production.exception.handler` (or `default.production.exception.handler`); default: fail. */
  productionExceptionHandler(): ProductionExceptionHandler {
    return this.handler(
      [StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG],
      () => new DefaultProductionExceptionHandler(),
    );
  }

  private readonly handlers = new Map<string, ConfigurableHandler>();

  /**
   * A handler made once per config (as Java instantiates and configures it once): an instance, a class, or
   * a built-in handler's name (e.g. `LogAndContinueExceptionHandler`), configured with the app's config.
   */
  private handler<T extends ConfigurableHandler>(keys: readonly string[], fallback: () => T): T {
    const cacheKey = keys[0]!;
    let made = this.handlers.get(cacheKey) as T | undefined;
    if (made === undefined) {
      const key = keys.find((k) => this.originals[k] !== undefined && this.originals[k] !== null) ?? keys[0]!;
      const v = this.originals[key];
      if (typeof v === 'string') {
        const builtIn = BUILT_IN_HANDLERS[v];
        if (builtIn === undefined) {
          throw new ConfigError(`Invalid value ${v} for configuration ${key}: not a known handler (${Object.keys(BUILT_IN_HANDLERS).filter((n) => !n.includes('.')).join(', ')}), pass a class or an instance`);
        }
        made = new builtIn() as T;
        if (typeof (made as unknown as Record<string, unknown>).handle !== 'function') throw new ConfigError(`Invalid value ${v} for configuration ${key}: not a handler of this kind`);
      } else {
        made = this.instance<T>(key, 'handle') ?? fallback();
      }
      const dlq = this.originals[ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG];
      if (dlq !== undefined && dlq !== null && (typeof dlq !== 'string' || dlq === '')) {
        throw new ConfigError(`Invalid value ${String(dlq)} for configuration ${ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG}: expected a topic name`);
      }
      made.configure?.(this.originals);
      this.handlers.set(cacheKey, made);
    }
    return made;
  }

  private serde(key: string): Serde<unknown> | null {
    return this.instance<Serde<unknown>>(key, 'serializer');
  }

  /** Java configures classes by name; here a value may be an instance or a class to instantiate. */
  private instance<T>(key: string, method: string): T | null {
    const v = this.originals[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'function') {
      const made = new (v as new () => T)();
      if (typeof (made as Record<string, unknown>)[method] === 'function') return made;
    } else if (typeof (v as Record<string, unknown>)[method] === 'function') {
      return v as T;
    }
    throw new ConfigError(`Invalid value for configuration ${key}: expected an object with a ${method}() method, or a class making one.`);
  }
}
