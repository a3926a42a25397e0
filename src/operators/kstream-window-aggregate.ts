import { EmitStrategy, StrategyType } from '../dsl/emit-strategy.js';
import type { Windows } from '../dsl/time-windows.js';
import { Windowed, type Window } from '../dsl/windowed.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Counter } from '../processor/internals/streams-metrics.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import type { TimestampedWindowStore } from '../state/window-store.js';
import { drain } from '../state/internals/window-iterators.js';
import { eachMaybe } from '../util/maybe-each.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';
import { EmitFinalTracker, droppedRecords, logSkippedRecord, logSkippedRecordForExpiredWindow } from './emit-final.js';
import type { KTableValueSource } from './tuple-forwarder.js';
import { windowTupleForwarder } from './window-forwarders.js';

/**
 * Java's `KStreamWindowAggregate` (tumbling and hopping `TimeWindows`): folds each record into every window
 * containing its timestamp, in a timestamped window store.
 *
 * Event time: the processor tracks the highest timestamp it has seen (its stream time). A window is closed
 * once stream time reaches `window end + grace`; a record for a closed window is dropped, logged and
 * counted in `dropped-records-total` (a record may still count in its other, open windows). Records with a
 * null key are dropped too; null values are aggregated (as Java's).
 *
 * With `EmitStrategy.onWindowClose()` nothing is forwarded on update: each window is forwarded once, after
 * it closes, when a later record moves the close time on (throttled by wall-clock time, see
 * `EmitFinalTracker`), oldest window first.
 */
export class KStreamWindowAggregateSupplier<K, V, A> implements KTableValueSource {
  sendOldValues = false;

  /** `initializer` returning null means reduce: the aggregator sees a null aggregate first. */
  constructor(
    readonly windows: Windows<Window>,
    readonly storeName: string,
    readonly emitStrategy: EmitStrategy,
    private readonly initializer: () => A | null,
    private readonly aggregator: (key: K, value: V, aggregate: A | null) => A,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  /** The grace period `suppress(untilWindowCloses)` waits for (Java's `GraphGraceSearchUtil`). */
  windowCloseGraceMs(): number {
    return this.windows.gracePeriodMs();
  }

  get(): Processor<K, V, Windowed<K>, Change<A>> {
    const { windows, initializer, aggregator, sendOldValues, storeName } = this;
    const emitFinal = this.emitStrategy.type() === StrategyType.ON_WINDOW_CLOSE;
    let ctx: ProcessorContext<Windowed<K>, Change<A>>;
    let store: TimestampedWindowStore<K, A>;
    let forwarder: ReturnType<typeof windowTupleForwarder<K, A>>;
    let dropped: Counter;
    let tracker: EmitFinalTracker;
    let observedStreamTime = -1;

    const updateWindow = (r: Record<K, V>, start: number, window: Window): MaybePromise<void> =>
      thenMaybe(store.fetch(r.key, start), (old) => {
        let oldAgg = ValueAndTimestamp.getValueOrNull(old);
        let newTimestamp: number;
        if (oldAgg === null) {
          oldAgg = initializer();
          newTimestamp = r.timestamp;
        } else {
          newTimestamp = Math.max(r.timestamp, old!.timestamp);
        }
        const newAgg = aggregator(r.key, r.value, oldAgg);
        return thenMaybe(store.put(r.key, ValueAndTimestamp.make(newAgg, newTimestamp), start), () => {
          if (emitFinal) return;
          return forwarder.maybeForward(
            r.withKey(new Windowed(r.key, window)).withValue(new Change(newAgg, sendOldValues ? oldAgg : null)).withTimestamp(newTimestamp),
          );
        });
      });

    /** Java's `emitRangeLowerBound`/`UpperBound`/`shouldRangeFetch` for time windows, then the emit itself. */
    const maybeForwardFinalResult = (r: Record<K, V>, windowCloseTime: number): MaybePromise<void> => {
      if (!emitFinal || !tracker.shouldEmit(ctx.currentSystemTimeMs(), windowCloseTime)) return;
      const size = windows.size();
      const upper = windowCloseTime - size;
      if (upper < 0) return;
      const last = tracker.lastEmitWindowCloseTime;
      // time windows end exclusively: a window ending exactly at the last close time was emitted then
      const lower = last === -1 ? 0 : Math.max(0, last - size) + 1;
      if (last !== -1 && sameStarts(windows.windowsFor(upper), windows.windowsFor(lower - 1))) return;
      return thenMaybe(drain(store.fetchAll(lower, upper)), (entries) => {
        tracker.lastEmitWindowCloseTime = windowCloseTime;
        return eachMaybe(entries, (kv) =>
          ctx.forward(r.withKey(kv.key).withValue(new Change(kv.value.value, null)).withTimestamp(kv.value.timestamp).withHeaders(r.headers)),
        );
      });
    };

    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore<TimestampedWindowStore<K, A>>(storeName);
        dropped = droppedRecords(c);
        if (emitFinal) tracker = EmitFinalTracker.fromContext(c);
        forwarder = windowTupleForwarder<K, A>(emitFinal ? null : store, c, sendOldValues);
      },
      process: (r: Record<K, V>) => {
        if (r.key === null || r.key === undefined) {
          logSkippedRecord(ctx, dropped, 'key');
          return;
        }
        const timestamp = r.timestamp;
        if (timestamp > observedStreamTime) observedStreamTime = timestamp;
        const windowCloseTime = observedStreamTime - windows.gracePeriodMs();
        const matched = [...windows.windowsFor(timestamp)];
        const updated = eachMaybe(matched, ([start, window]) => {
          if (window.end > windowCloseTime) return updateWindow(r, start, window);
          logSkippedRecordForExpiredWindow(ctx, dropped, timestamp, windowCloseTime, `[${start},${window.end})`, observedStreamTime);
        });
        return thenMaybe(updated, () => maybeForwardFinalResult(r, windowCloseTime));
      },
    };
  }
}

function sameStarts(a: Map<number, Window>, b: Map<number, Window>): boolean {
  if (a.size !== b.size) return false;
  for (const [start, w] of a) if (b.get(start)?.end !== w.end) return false;
  return true;
}
