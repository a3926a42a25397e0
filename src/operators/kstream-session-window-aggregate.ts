import { StrategyType, type EmitStrategy } from '../dsl/emit-strategy.js';
import type { SessionWindows } from '../dsl/session-windows.js';
import { SessionWindow, Windowed } from '../dsl/windowed.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Counter } from '../processor/internals/streams-metrics.js';
import type { SessionStore } from '../state/session-store.js';
import { drain } from '../state/internals/window-iterators.js';
import { eachMaybe } from '../util/maybe-each.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';
import { EmitFinalTracker, droppedRecords, logSkippedRecord, logSkippedRecordForExpiredWindow } from './emit-final.js';
import type { KTableValueSource } from './tuple-forwarder.js';
import { SessionTupleForwarder } from './window-forwarders.js';

/**
 * Java's `KStreamSessionWindowAggregate`. A record at `t` joins every session of its key that ends at or
 * after `t - gap` and starts at or before `t + gap`: those sessions are merged (their aggregates combined
 * with the merger, their windows united) with the record's own `[t, t]`. Each superseded session is
 * removed from the store and retracted downstream with a null (a tombstone for its windowed key), then the
 * merged session is written and forwarded. Updates carry the session's end as their timestamp.
 *
 * A session is closed once stream time reaches `end + gap + grace`; a record whose merged session would be
 * closed is dropped and counted in `dropped-records-total`, as are records with a null key. With
 * `EmitStrategy.onWindowClose()` only closed sessions are forwarded, once each.
 */
export class KStreamSessionWindowAggregateSupplier<K, V, A> implements KTableValueSource {
  sendOldValues = false;

  constructor(
    readonly windows: SessionWindows,
    readonly storeName: string,
    readonly emitStrategy: EmitStrategy,
    private readonly initializer: () => A | null,
    private readonly aggregator: (key: K, value: V, aggregate: A | null) => A,
    private readonly merger: (key: K, aggregate1: A | null, aggregate2: A) => A | null,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  /** For sessions the wait is the gap plus the grace period (Java's `GraphGraceSearchUtil`). */
  windowCloseGraceMs(): number {
    return this.windows.gracePeriodMs() + this.windows.inactivityGap();
  }

  get(): Processor<K, V, Windowed<K>, Change<A>> {
    const { initializer, aggregator, merger, sendOldValues, storeName } = this;
    const gap = this.windows.inactivityGap();
    const grace = this.windows.gracePeriodMs();
    const emitFinal = this.emitStrategy.type() === StrategyType.ON_WINDOW_CLOSE;
    let ctx: ProcessorContext<Windowed<K>, Change<A>>;
    let store: SessionStore<K, A>;
    let forwarder: SessionTupleForwarder<K, A>;
    let dropped: Counter;
    let tracker: EmitFinalTracker;
    let observedStreamTime = -1;

    const forwardUpdate = (key: Windowed<K>, oldAgg: A | null, newAgg: A | null): MaybePromise<void> =>
      emitFinal ? undefined : forwarder.maybeForward(key, newAgg, oldAgg);

    const maybeForwardFinalResult = (r: Record<K, V>, windowCloseTime: number): MaybePromise<void> => {
      if (!emitFinal || !tracker.shouldEmit(ctx.currentSystemTimeMs(), windowCloseTime)) return;
      // session windows end inclusively: closed sessions end before the close time
      const upper = windowCloseTime - 1;
      if (upper < 0) return;
      const lower = Math.max(0, tracker.lastEmitWindowCloseTime);
      if (upper < lower) return;
      return thenMaybe(drain(store.findSessions(lower, upper)), (entries) => {
        tracker.lastEmitWindowCloseTime = windowCloseTime;
        return eachMaybe(entries, (kv) =>
          ctx.forward(r.withKey(kv.key).withValue(new Change(kv.value, null)).withTimestamp(kv.key.window.end).withHeaders(r.headers)),
        );
      });
    };

    const aggregate = (r: Record<K, V>, merged: Array<{ key: Windowed<K>; value: A }>, windowCloseTime: number): MaybePromise<void> => {
      const timestamp = r.timestamp;
      let agg: A | null = initializer();
      let start = timestamp;
      let end = timestamp;
      for (const session of merged) {
        agg = merger(r.key, agg, session.value);
        start = Math.min(start, session.key.window.start);
        end = Math.max(end, session.key.window.end);
      }
      if (end < windowCloseTime) {
        logSkippedRecordForExpiredWindow(ctx, dropped, timestamp, windowCloseTime, `[${start},${end}]`, observedStreamTime);
        return;
      }
      // the record extends or bridges sessions: retract each superseded one
      const superseded = start !== timestamp || end !== timestamp ? merged : [];
      const removed = eachMaybe(superseded, (session) =>
        thenMaybe(store.remove(session.key), () => forwardUpdate(session.key, session.value, null)),
      );
      return thenMaybe(removed, () => {
        const newAgg = aggregator(r.key, r.value, agg);
        const sessionKey = new Windowed(r.key, new SessionWindow(start, end));
        return thenMaybe(store.put(sessionKey, newAgg), () => forwardUpdate(sessionKey, null, newAgg));
      });
    };

    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore<SessionStore<K, A>>(storeName);
        dropped = droppedRecords(c);
        if (emitFinal) tracker = EmitFinalTracker.fromContext(c);
        forwarder = new SessionTupleForwarder<K, A>(emitFinal ? null : store, c, sendOldValues);
      },
      process: (r: Record<K, V>) => {
        if (r.key === null || r.key === undefined) {
          logSkippedRecord(ctx, dropped, 'key');
          return;
        }
        const timestamp = r.timestamp;
        if (timestamp > observedStreamTime) observedStreamTime = timestamp;
        const windowCloseTime = observedStreamTime - grace - gap;
        const found = drain(store.findSessions(r.key, timestamp - gap, timestamp + gap));
        return thenMaybe(found, (merged) =>
          thenMaybe(aggregate(r, merged, windowCloseTime), () => maybeForwardFinalResult(r, windowCloseTime)),
        );
      },
    };
  }
}
