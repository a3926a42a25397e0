import { StrategyType, type EmitStrategy } from '../dsl/emit-strategy.js';
import type { SlidingWindows } from '../dsl/sliding-windows.js';
import { TimeWindow, Windowed } from '../dsl/windowed.js';
import { StreamsError } from '../errors/streams-error.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Counter } from '../processor/internals/streams-metrics.js';
import type { KeyValue } from '../state/key-value.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import type { TimestampedWindowStore } from '../state/window-store.js';
import { drain } from '../state/internals/window-iterators.js';
import { eachMaybe, sequence } from '../util/maybe-each.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';
import { EmitFinalTracker, droppedRecords, logSkippedRecord, logSkippedRecordForExpiredWindow } from './emit-final.js';
import type { KTableValueSource } from './tuple-forwarder.js';
import { windowTupleForwarder } from './window-forwarders.js';

type Step = () => MaybePromise<void>;
type Entry<A> = KeyValue<Windowed<unknown>, ValueAndTimestamp<A>>;

/**
 * Java's `KStreamSlidingWindowAggregate`. A sliding window `[start, start + timeDifference]` (both ends
 * inclusive) exists for each distinct set of records within `timeDifference` of each other: each record
 * gets a "left" window ending at its timestamp and, when needed, a "right" window starting just after it.
 * A window's value timestamp is the newest record timestamp in it. Records with a null key or value are
 * dropped; a record whose own window is already closed (`ts + timeDifference < streamTime - grace`) is
 * dropped and counted in `dropped-records-total`.
 *
 * Each record reads its key's windows in `[ts - 2·timeDifference, ts + 1]` newest first (as Java's reverse
 * iteration), decides which windows to update and create — exactly Java's rules — and then writes them in
 * Java's order. Records earlier than `timeDifference` go to a combined window `[0, timeDifference]`.
 */
export class KStreamSlidingWindowAggregateSupplier<K, V, A> implements KTableValueSource {
  sendOldValues = false;

  constructor(
    readonly windows: SlidingWindows,
    readonly storeName: string,
    readonly emitStrategy: EmitStrategy,
    private readonly initializer: () => A | null,
    private readonly aggregator: (key: K, value: V, aggregate: A | null) => A,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  windowCloseGraceMs(): number {
    return this.windows.gracePeriodMs();
  }

  get(): Processor<K, V, Windowed<K>, Change<A>> {
    const { initializer, aggregator, sendOldValues, storeName } = this;
    const diff = this.windows.timeDifferenceMs();
    const grace = this.windows.gracePeriodMs();
    const emitFinal = this.emitStrategy.type() === StrategyType.ON_WINDOW_CLOSE;
    let ctx: ProcessorContext<Windowed<K>, Change<A>>;
    let store: TimestampedWindowStore<K, A>;
    let forwarder: ReturnType<typeof windowTupleForwarder<K, A>>;
    let dropped: Counter;
    let tracker: EmitFinalTracker;
    let observedStreamTime = -1;

    const windowOf = (start: number): TimeWindow => new TimeWindow(start, start + diff);

    const forwardUpdate = (r: Record<K, V>, window: TimeWindow, oldAgg: A | null, newAgg: A, newTimestamp: number): MaybePromise<void> => {
      if (emitFinal) return;
      return forwarder.maybeForward(
        r.withKey(new Windowed(r.key, window)).withValue(new Change(newAgg, sendOldValues ? oldAgg : null)).withTimestamp(newTimestamp),
      );
    };

    /** Java's `updateWindowAndForward`: adds the record to a window that is still open. */
    const updateWindow = (r: Record<K, V>, window: TimeWindow, valueAndTime: ValueAndTimestamp<A> | null, closeTime: number): Step => () => {
      if (window.end < closeTime) {
        logSkippedRecordForExpiredWindow(ctx, dropped, r.timestamp, closeTime, `[${window.start},${window.end}]`, observedStreamTime);
        return;
      }
      const oldAgg = ValueAndTimestamp.getValueOrNull(valueAndTime);
      const newAgg = aggregator(r.key, r.value, oldAgg);
      const newTimestamp = oldAgg === null ? r.timestamp : Math.max(r.timestamp, valueAndTime!.timestamp);
      return thenMaybe(store.put(r.key, ValueAndTimestamp.make(newAgg, newTimestamp), window.start), () =>
        forwardUpdate(r, window, oldAgg, newAgg, newTimestamp),
      );
    };

    /** The right window of the record: it holds what the record's right neighbours aggregated (not the record). */
    const createCurrentRecordRightWindow = (r: Record<K, V>, rightWinAgg: ValueAndTimestamp<A>): Step => () => {
      const window = windowOf(r.timestamp + 1);
      return thenMaybe(store.put(r.key, rightWinAgg, window.start), () => forwardUpdate(r, window, null, rightWinAgg.value, rightWinAgg.timestamp));
    };

    const createPreviousRecordRightWindow = (r: Record<K, V>, start: number, closeTime: number): Step =>
      updateWindow(r, windowOf(start), ValueAndTimestamp.make(initializer(), r.timestamp), closeTime);

    const rightWindowIsNotEmpty = (rightWinAgg: ValueAndTimestamp<A> | null, ts: number): rightWinAgg is ValueAndTimestamp<A> =>
      rightWinAgg !== null && rightWinAgg.timestamp > ts;

    /** Java's `processReverse`: the steps for a record at or after `timeDifference`. */
    const planReverse = (r: Record<K, V>, entries: Array<Entry<A>>, closeTime: number): Step[] => {
      const ts = r.timestamp;
      const steps: Step[] = [];
      const startTimes = new Set<number>();
      let leftWinAgg: ValueAndTimestamp<A> | null = null;
      let rightWinAgg: ValueAndTimestamp<A> | null = null;
      let leftWinAlreadyCreated = false;
      let rightWinAlreadyCreated = false;
      let previousRecordTimestamp: number | null = null;
      for (const { key, value } of entries) {
        const start = key.window.start;
        startTimes.add(start);
        const end = start + diff;
        const windowMaxRecordTimestamp = value.timestamp;
        if (start === ts + 1) {
          rightWinAlreadyCreated = true;
        } else if (end > ts) {
          rightWinAgg ??= value;
          steps.push(updateWindow(r, windowOf(start), value, closeTime));
        } else if (end === ts) {
          leftWinAlreadyCreated = true;
          steps.push(updateWindow(r, windowOf(start), value, closeTime));
          // the record's left window already held a record as new as this one: nothing else to create
          if (windowMaxRecordTimestamp < ts) previousRecordTimestamp = windowMaxRecordTimestamp;
          else return steps;
        } else if (end < ts) {
          leftWinAgg = value;
          previousRecordTimestamp = windowMaxRecordTimestamp;
          break;
        } else {
          throw new StreamsError('Unexpected window found when processing sliding windows');
        }
      }
      // Java's `createWindows`
      if (previousRecordTimestamp !== null) {
        const previousRightWinStart = previousRecordTimestamp + 1;
        if (!startTimes.has(previousRightWinStart) && previousRightWinStart + diff >= ts) {
          steps.push(createPreviousRecordRightWindow(r, previousRightWinStart, closeTime));
        }
      }
      if (!leftWinAlreadyCreated) {
        const leftWindowNotEmpty = previousRecordTimestamp !== null && ts - diff <= previousRecordTimestamp;
        const valueAndTime = leftWindowNotEmpty ? ValueAndTimestamp.make(leftWinAgg!.value, ts) : ValueAndTimestamp.make(initializer(), ts);
        steps.push(updateWindow(r, windowOf(ts - diff), valueAndTime, closeTime));
      }
      if (!rightWinAlreadyCreated && rightWindowIsNotEmpty(rightWinAgg, ts)) steps.push(createCurrentRecordRightWindow(r, rightWinAgg));
      return steps;
    };

    /** Java's `processEarly`: a record before `timeDifference` shares the window `[0, timeDifference]`. */
    const planEarly = (r: Record<K, V>, entries: Array<Entry<A>>, closeTime: number): Step[] => {
      const ts = r.timestamp;
      const steps: Step[] = [];
      const startTimes = new Set<number>();
      let combinedWindow: Entry<A> | null = null;
      let rightWinAgg: ValueAndTimestamp<A> | null = null;
      let rightWinAlreadyCreated = false;
      let previousRecordTimestamp: number | null = null;
      for (const entry of entries) {
        const start = entry.key.window.start;
        startTimes.add(start);
        const windowMaxRecordTimestamp = entry.value.timestamp;
        if (start === 0) {
          combinedWindow = entry;
          if (windowMaxRecordTimestamp < ts) previousRecordTimestamp = windowMaxRecordTimestamp;
        } else if (start <= ts) {
          rightWinAgg = entry.value;
          steps.push(updateWindow(r, windowOf(start), entry.value, closeTime));
        } else if (start === ts + 1) {
          rightWinAlreadyCreated = true;
        } else {
          throw new StreamsError('Unexpected window found when processing sliding windows');
        }
      }
      // with no right window found, the combined window holds exactly the records of the right window
      if (rightWinAgg === null && combinedWindow !== null && combinedWindow.value.timestamp > ts) rightWinAgg = combinedWindow.value;
      if (!rightWinAlreadyCreated && rightWindowIsNotEmpty(rightWinAgg, ts)) steps.push(createCurrentRecordRightWindow(r, rightWinAgg));
      if (previousRecordTimestamp !== null && !startTimes.has(previousRecordTimestamp + 1)) {
        steps.push(createPreviousRecordRightWindow(r, previousRecordTimestamp + 1, closeTime));
      }
      if (combinedWindow === null) steps.push(updateWindow(r, windowOf(0), ValueAndTimestamp.make(initializer(), ts), closeTime));
      else steps.push(updateWindow(r, windowOf(0), combinedWindow.value, closeTime));
      return steps;
    };

    const maybeForwardFinalResult = (r: Record<K, V>, windowCloseTime: number): MaybePromise<void> => {
      if (!emitFinal || !tracker.shouldEmit(ctx.currentSystemTimeMs(), windowCloseTime)) return;
      // sliding windows end inclusively: a window is closed once its end is before the close time
      const upper = windowCloseTime - diff - 1;
      if (upper < 0) return;
      const last = tracker.lastEmitWindowCloseTime;
      const lower = last === -1 ? 0 : Math.max(0, last - diff);
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
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) {
          logSkippedRecord(ctx, dropped, 'key or value');
          return;
        }
        const ts = r.timestamp;
        if (ts > observedStreamTime) observedStreamTime = ts;
        const closeTime = observedStreamTime - grace;
        if (ts + diff < closeTime) {
          logSkippedRecordForExpiredWindow(ctx, dropped, ts, closeTime, `[${ts},${ts + diff}]`, observedStreamTime);
          return;
        }
        if (ts < diff) {
          // as Java, an early record does not trigger the emit of closed windows
          return thenMaybe(drain(store.fetch(r.key, r.key, 0, ts + 1)), (entries) =>
            sequence(planEarly(r, entries as Array<Entry<A>>, closeTime)),
          );
        }
        const fetched = drain(store.backwardFetch(r.key, r.key, Math.max(0, ts - 2 * diff), ts + 1));
        return thenMaybe(fetched, (entries) =>
          thenMaybe(sequence(planReverse(r, entries as Array<Entry<A>>, closeTime)), () => maybeForwardFinalResult(r, closeTime)),
        );
      },
    };
  }
}
