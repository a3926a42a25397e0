import { IllegalArgumentError } from '../errors/streams-error.js';
import { Named } from './named.js';
import { checkMillis } from './time-windows.js';

/** What the buffer does when it would exceed its bounds (Java's `BufferFullStrategy`). */
export enum BufferFullStrategy {
  /** Emit the oldest records early to make room ("eager" buffer configs). */
  EMIT = 'EMIT',
  /** Stop the application with an error ("strict" buffer configs). */
  SHUT_DOWN = 'SHUT_DOWN',
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * Java's `Suppressed.BufferConfig` (its `StrictBufferConfig` and `EagerBufferConfig` in one class): the
 * bounds of a suppression buffer and what happens when they are reached. Immutable. Logging (the buffer's
 * changelog) is on by default, as in Java.
 */
export class BufferConfig {
  private constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly bufferFullStrategy: BufferFullStrategy,
    /** The changelog topic configs, or null when logging is disabled. */
    readonly logConfig: Readonly<Record<string, string>> | null,
  ) {}

  /** No bounds: the buffer keeps everything it must (a strict config). */
  static unbounded(): BufferConfig {
    return new BufferConfig(UNBOUNDED, UNBOUNDED, BufferFullStrategy.SHUT_DOWN, {});
  }

  /** At most `recordLimit` records; emits early when full (an eager config). */
  static maxRecords(recordLimit: number): BufferConfig {
    return new BufferConfig(checkLimit(recordLimit), UNBOUNDED, BufferFullStrategy.EMIT, {});
  }

  /** At most `byteLimit` bytes (Java's estimate of the buffered records' size); emits early when full. */
  static maxBytes(byteLimit: number): BufferConfig {
    return new BufferConfig(UNBOUNDED, checkLimit(byteLimit), BufferFullStrategy.EMIT, {});
  }

  withMaxRecords(recordLimit: number): BufferConfig {
    return new BufferConfig(checkLimit(recordLimit), this.maxBytes, this.bufferFullStrategy, this.logConfig);
  }

  withMaxBytes(byteLimit: number): BufferConfig {
    return new BufferConfig(this.maxRecords, checkLimit(byteLimit), this.bufferFullStrategy, this.logConfig);
  }

  withNoBound(): BufferConfig {
    return new BufferConfig(UNBOUNDED, UNBOUNDED, BufferFullStrategy.SHUT_DOWN, this.logConfig);
  }

  /** When full, fail (Java: a StreamsException shuts the application down). */
  shutDownWhenFull(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, BufferFullStrategy.SHUT_DOWN, this.logConfig);
  }

  /** When full, emit the oldest records early. Not allowed with `untilWindowCloses` (final results only). */
  emitEarlyWhenFull(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, BufferFullStrategy.EMIT, this.logConfig);
  }

  withLoggingDisabled(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.bufferFullStrategy, null);
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.bufferFullStrategy, { ...config });
  }

  isLoggingEnabled(): boolean {
    return this.logConfig !== null;
  }
}

function checkLimit(limit: number): number {
  if (!(typeof limit === 'number' && limit >= 0)) throw new IllegalArgumentError(`Buffer limits must not be negative, got ${String(limit)}`);
  return limit;
}

/** The two kinds of suppression Java offers. */
export type SuppressionKind = 'untilWindowCloses' | 'untilTimeLimit';

/**
 * Java's `Suppressed`: holds back a KTable's updates. `untilWindowCloses` emits only the final result of
 * each window (once stream time passes window end + grace); `untilTimeLimit` emits a key's latest value
 * once `timeToWaitForMoreEvents` of stream time has passed since its first buffered update.
 */
export class Suppressed {
  static readonly BufferConfig = BufferConfig;

  private constructor(
    readonly kind: SuppressionKind,
    readonly name: string | null,
    readonly timeToWaitForMoreEventsMs: number | null,
    readonly bufferConfig: BufferConfig,
  ) {}

  /** Final results of windowed aggregations; the buffer config must be strict (it may not emit early). */
  static untilWindowCloses(bufferConfig: BufferConfig): Suppressed {
    if (bufferConfig.bufferFullStrategy !== BufferFullStrategy.SHUT_DOWN) {
      throw new IllegalArgumentError('untilWindowCloses needs a strict buffer config (unbounded() or shutDownWhenFull()): it may not emit early');
    }
    return new Suppressed('untilWindowCloses', null, null, bufferConfig);
  }

  static untilTimeLimit(timeToWaitForMoreEventsMs: number, bufferConfig: BufferConfig): Suppressed {
    return new Suppressed('untilTimeLimit', null, checkMillis(timeToWaitForMoreEventsMs, 'timeToWaitForMoreEvents'), bufferConfig);
  }

  /** Names the suppression processor (and its buffer store, `<name>-store`). */
  withName(name: string): Suppressed {
    Named.validate(name);
    return new Suppressed(this.kind, name, this.timeToWaitForMoreEventsMs, this.bufferConfig);
  }
}
