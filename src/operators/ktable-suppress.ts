import { BufferFullStrategy, type Suppressed } from '../dsl/suppressed.js';
import type { WindowedLike } from '../dsl/windowed.js';
import { StreamsError } from '../errors/streams-error.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import { Record } from '../processor/record.js';
import type { InMemoryTimeOrderedKeyValueChangeBuffer } from '../state/internals/in-memory-time-ordered-buffer.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import type { Change } from './change.js';
import type { KTableValueSource } from './tuple-forwarder.js';

/** Settled suppression parameters (Java's `SuppressedInternal`). */
export interface SuppressionSettings {
  /** How long (stream time) a buffered update waits: the window's grace, or the time limit. */
  readonly suppressDurationMs: number;
  /** The buffer time of an update: the window end (final results) or the record timestamp (time limit). */
  readonly windowEndTime: boolean;
  /** Final results drop tombstones: a window is never deleted once emitted. */
  readonly safeToDropTombstones: boolean;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly bufferFullStrategy: BufferFullStrategy;
}

export function suppressionSettings(suppressed: Suppressed, windowGraceMs: number | null): SuppressionSettings {
  const finalResults = suppressed.kind === 'untilWindowCloses';
  const config = suppressed.bufferConfig;
  return {
    suppressDurationMs: finalResults ? windowGraceMs! : suppressed.timeToWaitForMoreEventsMs ?? Number.MAX_SAFE_INTEGER,
    windowEndTime: finalResults,
    safeToDropTombstones: finalResults,
    maxRecords: config.maxRecords,
    maxBytes: config.maxBytes,
    bufferFullStrategy: config.bufferFullStrategy,
  };
}

/**
 * Java's `KTableSuppressProcessorSupplier`: buffers a table's updates (the latest per key) in a
 * time-ordered buffer and forwards them once stream time has passed their buffer time plus the suppress
 * duration — for `untilWindowCloses`, only each window's final result. When the buffer is over its bounds
 * it emits its oldest records early (eager config) or fails (strict config).
 *
 * An emitted record carries the timestamp and headers of its buffered update; the rest of the record
 * context (topic, partition, offset) stays the one of the record being processed.
 */
export class KTableSuppressSupplier<K, V> implements KTableValueSource {
  constructor(
    private readonly parent: KTableValueSource,
    private readonly storeName: string,
    private readonly nodeName: string,
    private readonly settings: () => SuppressionSettings,
  ) {
    // the buffer keeps the value before the first buffered update, so it needs old values (as Java)
    parent.enableSendingOldValues(true);
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    return this.parent.enableSendingOldValues(forceMaterialization);
  }

  get(): Processor<K, Change<V>, K, Change<V>> {
    const { storeName, nodeName } = this;
    const s = this.settings();
    let ctx: ProcessorContext<K, Change<V>>;
    let buffer: InMemoryTimeOrderedKeyValueChangeBuffer<K, V>;
    let observedStreamTime = -1;

    const overCapacity = (): boolean => buffer.numRecords() > s.maxRecords || buffer.bufferSize() > s.maxBytes;

    const emit = (e: { key: K; value: Change<V>; recordContext: { timestamp: number; headers: Record<K, V>['headers'] } }): MaybePromise<void> => {
      if (e.value.newValue === null && s.safeToDropTombstones) return;
      return ctx.forward(new Record(e.key, e.value, e.recordContext.timestamp, e.recordContext.headers));
    };

    const enforceConstraints = (): MaybePromise<void> => {
      const expiryTime = observedStreamTime - s.suppressDurationMs;
      return thenMaybe(
        buffer.evictWhile(() => buffer.minTimestamp() <= expiryTime, emit),
        () => {
          if (!overCapacity()) return;
          if (s.bufferFullStrategy === BufferFullStrategy.EMIT) return buffer.evictWhile(overCapacity, emit);
          throw new StreamsError(
            `${nodeName} buffer exceeded its max capacity. Currently [${buffer.numRecords()}/${s.maxRecords}] records and ` +
              `[${buffer.bufferSize()}/${s.maxBytes}] bytes.`,
          );
        },
      );
    };

    return {
      init: (c) => {
        ctx = c;
        buffer = c.getStateStore<InMemoryTimeOrderedKeyValueChangeBuffer<K, V>>(storeName);
      },
      process: (r: Record<K, Change<V>>) => {
        if (r.timestamp > observedStreamTime) observedStreamTime = r.timestamp;
        const bufferTime = s.windowEndTime ? (r.key as unknown as WindowedLike<unknown>).window.end : r.timestamp;
        const m = ctx.recordMetadata();
        buffer.put(bufferTime, r.key, r.value, {
          timestamp: r.timestamp,
          offset: m?.offset() ?? -1,
          topic: m?.topic() ?? null,
          partition: m?.partition() ?? -1,
          headers: r.headers,
        });
        return enforceConstraints();
      },
    };
  }
}
