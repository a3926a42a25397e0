import type { ProcessorContext } from '../processor/api.js';
import { droppedRecordsSensor, metricsOf, type Counter } from '../processor/internals/streams-metrics.js';
import { log } from '../util/logger.js';

/** Java's internal config of how often (wall-clock ms) emit-final aggregations look for closed windows. */
export const EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION = '__emit.interval.ms.kstreams.windowed.aggregation__';

/**
 * The throttle of `EmitStrategy.onWindowClose()` (Java's `TimeTracker` use in the windowed aggregations):
 * closed windows are looked for at most once per emit interval of wall-clock time (1 s by default), and
 * only when the window close time has moved on since the last emit. The first check happens at once.
 */
export class EmitFinalTracker {
  lastEmitWindowCloseTime = -1;
  private nextTimeToEmit = 0;

  constructor(private readonly emitIntervalMs: number) {}

  static fromContext(ctx: ProcessorContext<unknown, unknown>): EmitFinalTracker {
    const configured = ctx.appConfigs()[EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION];
    const interval = configured === undefined || configured === null ? 1000 : Number(configured);
    return new EmitFinalTracker(interval);
  }

  shouldEmit(nowMs: number, windowCloseTime: number): boolean {
    if (nowMs < this.nextTimeToEmit) return false;
    // scheduled from now, so that a jump of the clock does not trigger many emits in a row
    this.nextTimeToEmit = nowMs + this.emitIntervalMs;
    return this.lastEmitWindowCloseTime === -1 || this.lastEmitWindowCloseTime < windowCloseTime;
  }
}

/** The `dropped-records-total` counter of the processor's task. */
export function droppedRecords(ctx: ProcessorContext<unknown, unknown>): Counter {
  return droppedRecordsSensor(metricsOf(ctx), ctx.taskId());
}

/** Java's warning for a record that arrives after its window closed (and the count of it). */
export function logSkippedRecordForExpiredWindow(
  ctx: ProcessorContext<unknown, unknown>,
  dropped: Counter,
  timestamp: number,
  windowCloseTime: number,
  window: string,
  observedStreamTime: number,
): void {
  const m = ctx.recordMetadata();
  const where = m === null ? 'Topic, partition, and offset not known. ' : `topic=[${m.topic()}] partition=[${m.partition()}] offset=[${m.offset()}] `;
  log.warn(
    `Skipping record for expired window. ${where}timestamp=[${timestamp}] window=${window} expiration=[${windowCloseTime}] streamTime=[${observedStreamTime}]`,
  );
  dropped.record();
}

/** Java's warning for a record with a null key (or value) that a windowed aggregation skips (and counts). */
export function logSkippedRecord(ctx: ProcessorContext<unknown, unknown>, dropped: Counter, what: string): void {
  const m = ctx.recordMetadata();
  const where = m === null ? 'Topic, partition, and offset not known.' : `topic=[${m.topic()}] partition=[${m.partition()}] offset=[${m.offset()}]`;
  log.warn(`Skipping record due to null ${what}. ${where}`);
  dropped.record();
}
