import type { JoinWindows } from '../dsl/join-windows.js';
import type { ValueJoinerWithKey } from '../dsl/value-joiner.js';
import { StreamsConfig } from '../config/streams-config.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Counter } from '../processor/internals/streams-metrics.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValue } from '../state/key-value.js';
import type { KeyValueIterator, KeyValueStore } from '../state/state-store.js';
import type { WindowStore } from '../state/window-store.js';
import { drain } from '../state/internals/window-iterators.js';
import { runMaybe } from '../util/maybe-coroutine.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import { droppedRecords, logSkippedRecord } from './emit-final.js';
import { OuterJoinStore, type WaitingRecord } from './outer-join-store.js';

/** Java's internal config: how often (wall-clock ms) left/outer joins look for closed windows; 1 s by default. */
export const EMIT_INTERVAL_MS_KSTREAMS_OUTER_JOIN_SPURIOUS_RESULTS_FIX = '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__';

/**
 * The stream time both sides of one join share within a task (Java's `TimeTracker`): the highest timestamp
 * either side has seen, and a lower bound of the times waiting in the outer-join store, which lets most
 * records skip scanning it.
 */
class JoinTimeTracker {
  streamTime = -1;
  /** Infinity: unknown (Java's Long.MAX_VALUE, which overflows in its check and so forces a scan). */
  minTime = Infinity;
  nextTimeToEmit = 0;
}

/** One tracker per task, shared by the join's two processors (Java's `TimeTrackerSupplier`). */
export class JoinTimeTrackers {
  private readonly byTask = new Map<string, JoinTimeTracker>();

  get(taskId: string): JoinTimeTracker {
    let t = this.byTask.get(taskId);
    if (t === undefined) this.byTask.set(taskId, (t = new JoinTimeTracker()));
    return t;
  }

  remove(taskId: string): void {
    this.byTask.delete(taskId);
  }
}

/**
 * Java's `KStreamJoinWindow`: puts each record of one side into that side's window store, where the other
 * side's processor finds it, and passes it on to this side's join processor. Records with a null key are
 * not stored (they can never match), but still passed on: a left/outer join emits them unmatched.
 */
export function kstreamJoinWindow<K, V>(storeName: string): () => Processor<K, V, K, V> {
  return () => {
    let ctx: ProcessorContext<K, V>;
    let store: WindowStore<K, V>;
    return {
      init(c) {
        ctx = c;
        store = c.getStateStore<WindowStore<K, V>>(storeName);
      },
      process(r) {
        const forwarded = ctx.forward(r);
        if (r.key === null || r.key === undefined) return forwarded;
        // every record opens its own window; the store is there for the retention. A null value is put too
        // (as Java): it stores nothing but moves the store's observed stream time, so older records expire
        return thenMaybe(forwarded, () => store.put(r.key, r.value, r.timestamp));
      },
    };
  };
}

/** What one side's join processor needs to know. */
export interface JoinSideSpec<K, VThis, VOther, VOut> {
  readonly isLeftSide: boolean;
  /** Whether this side's records are emitted without partner (left side of left/outer joins, both of outer). */
  readonly outer: boolean;
  readonly windows: JoinWindows;
  /** `(key, thisValue, otherValue)`: already turned around for the right side. */
  readonly joiner: ValueJoinerWithKey<K, VThis, VOther | null, VOut>;
  readonly otherStoreName: string;
  /** The shared store of unmatched records (left/outer joins with Java ≥ 3.1 semantics), else null. */
  readonly outerStoreName: string | null;
  /** Serdes of the outer store's entries (null: the config's defaults). */
  readonly keySerde: Serde<K> | null;
  readonly leftValueSerde: Serde<unknown> | null;
  readonly rightValueSerde: Serde<unknown> | null;
  readonly trackers: JoinTimeTrackers;
}

/**
 * Java's `KStreamKStreamJoin` (one instance per side): joins each record with the other side's records of
 * the same key in `[t - before, t + after]` (after and before swap for the right side), forwarding
 * `joiner(key, left, right)` at the later of the two timestamps.
 *
 * Left/outer joins (Java ≥ 3.1): a record that finds no partner is not emitted at once but kept in the
 * shared outer store, and deleted from there when a partner arrives later. Whenever a record moves stream
 * time on, the waiting records whose window and grace have passed (`time + lookahead + grace < stream time`)
 * are emitted with a null partner, oldest first, at their own timestamps. A record already out of its
 * window on arrival (`t + after < stream time`) is emitted unmatched at once.
 *
 * Records with a null value are dropped (and counted in `dropped-records-total`), as are null keys in inner
 * joins; in left/outer joins a null-key record of an outer side is emitted unmatched at once (KIP-962).
 */
export function kstreamKStreamJoin<K, VThis, VOther, VOut>(spec: JoinSideSpec<K, VThis, VOther, VOut>): () => Processor<K, VThis, K, VOut> {
  const { isLeftSide, outer, windows, joiner, trackers } = spec;
  const joinBeforeMs = isLeftSide ? windows.beforeMs : windows.afterMs;
  const joinAfterMs = isLeftSide ? windows.afterMs : windows.beforeMs;
  const graceMs = windows.gracePeriodMs();
  return () => {
    let ctx: ProcessorContext<K, VOut>;
    let otherStore: WindowStore<K, VOther>;
    let outerStore: OuterJoinStore<K, unknown, unknown> | null = null;
    let tracker: JoinTimeTracker;
    let dropped: Counter;
    let emitIntervalMs = 1000;

    /** The unmatched result of a waiting record of either side: the joiner called in (left, right) order. */
    const unmatched = (key: K, v: { left: unknown; right: unknown }): VOut => {
      const j = joiner as unknown as ValueJoinerWithKey<K, unknown, unknown, VOut>;
      return isLeftSide ? j(key, v.left, v.right) : j(key, v.right, v.left);
    };

    function* emitClosedWaitingRecords(store: OuterJoinStore<K, unknown, unknown>, r: Record<K, VThis>): Generator<unknown, void, unknown> {
      // scanning is costly (a LevelDB iterator): skip it unless some waiting record may be due
      if (tracker.minTime !== Infinity && tracker.minTime + joinAfterMs + graceMs >= tracker.streamTime) return;
      // throttled by wall-clock time (off in the test driver), a non-functional limit on scans
      const now = ctx.currentSystemTimeMs();
      if (now < tracker.nextTimeToEmit) return;
      tracker.nextTimeToEmit = now + emitIntervalMs;
      tracker.minTime = Infinity;
      const it = (yield store.all()) as KeyValueIterator<Buffer, Buffer>;
      try {
        let prevKey: Buffer | null = null;
        let leftOpen = false;
        let rightOpen = false;
        while ((yield it.hasNext()) as boolean) {
          const entry = (yield it.next()) as KeyValue<Buffer, Buffer>;
          const waiting: WaitingRecord<K, unknown, unknown> = store.decode(entry.key, entry.value);
          tracker.minTime = waiting.timestamp;
          // as Java, stop only after reading the next record: minTime is its time, which decides the next scan
          if (leftOpen && rightOpen) break;
          // a left record waits for right records up to `after` later, a right one up to `before` later
          const lookAheadMs = waiting.isLeftSide ? windows.afterMs : windows.beforeMs;
          if (waiting.timestamp + lookAheadMs + graceMs >= tracker.streamTime) {
            // keys are ordered by time, then side: later records of this side are not due either
            if (waiting.isLeftSide) leftOpen = true;
            else rightOpen = true;
            // Java iterates an entry's records one by one: the next record read is this entry's second one
            if (leftOpen && rightOpen && waiting.values.length > 1) break;
            continue;
          }
          for (const v of waiting.values) {
            yield ctx.forward(r.withKey(waiting.key).withValue(unmatched(waiting.key, v)).withTimestamp(waiting.timestamp));
          }
          // deleted one entry late, so that a failure half-way through a list loses nothing
          if (prevKey !== null) yield store.remove(prevKey);
          prevKey = entry.key;
        }
        if (prevKey !== null) yield store.remove(prevKey);
      } finally {
        yield it.close();
      }
    }

    function* process(r: Record<K, VThis>): Generator<unknown, void, unknown> {
      const { key, value, timestamp } = r;
      // every record moves stream time on, even one dropped or emitted at once below (as Java's)
      if (timestamp > tracker.streamTime) tracker.streamTime = timestamp;
      if (key === null || key === undefined || value === null || value === undefined) {
        if (outer && (key === null || key === undefined) && value !== null && value !== undefined) {
          yield ctx.forward(r.withValue(joiner(key as K, value, null)));
          return;
        }
        logSkippedRecord(ctx, dropped, key === null || key === undefined ? 'key' : 'value');
        return;
      }
      if (outerStore !== null && timestamp === tracker.streamTime) yield* emitClosedWaitingRecords(outerStore, r);

      const timeFrom = Math.max(0, timestamp - joinBeforeMs);
      const timeTo = Math.max(0, timestamp + joinAfterMs);
      const matches = (yield drain(otherStore.fetch(key, timeFrom, timeTo))) as Array<KeyValue<number, VOther>>;
      for (const m of matches) {
        // the partner no longer waits to be emitted alone
        if (outerStore !== null) yield outerStore.remove(outerStore.storeKey(m.key, !isLeftSide, key));
        yield ctx.forward(r.withValue(joiner(key, value, m.value)).withTimestamp(Math.max(timestamp, m.key)));
      }
      if (matches.length > 0 || !outer) return;
      if (outerStore === null || timeTo < tracker.streamTime) {
        // no store (deprecated eager semantics), or already out of its window: nothing can match any more
        yield ctx.forward(r.withValue(joiner(key, value, null)));
      } else {
        if (timestamp < tracker.minTime) tracker.minTime = timestamp;
        yield outerStore.add(timestamp, isLeftSide, key, value);
      }
    }

    return {
      init(c) {
        ctx = c;
        otherStore = c.getStateStore<WindowStore<K, VOther>>(spec.otherStoreName);
        tracker = trackers.get(c.taskId());
        dropped = droppedRecords(c);
        const configured = c.appConfigs()[EMIT_INTERVAL_MS_KSTREAMS_OUTER_JOIN_SPURIOUS_RESULTS_FIX];
        if (configured !== undefined && configured !== null) emitIntervalMs = Number(configured);
        if (spec.outerStoreName !== null) {
          const config = new StreamsConfig(c.appConfigs());
          const serde = (s: Serde<unknown> | null, dflt: Serde<unknown> | null, what: string): Serde<unknown> => {
            const chosen = s ?? dflt;
            if (chosen === null) throw new Error(`the join store ${spec.outerStoreName} has no ${what} serde: pass one with StreamJoined or set the default`);
            return chosen;
          };
          outerStore = new OuterJoinStore(
            c.getStateStore<KeyValueStore<Buffer, Buffer>>(spec.outerStoreName),
            serde(spec.keySerde as Serde<unknown> | null, config.defaultKeySerde(), 'key') as Serde<K>,
            serde(spec.leftValueSerde, config.defaultValueSerde(), 'value'),
            serde(spec.rightValueSerde, config.defaultValueSerde(), 'value'),
          );
        }
      },
      process: (r): MaybePromise<void> => runMaybe(process(r)),
      close() {
        trackers.remove(ctx.taskId());
      },
    };
  };
}
