import type { ValueJoinerWithKey } from '../dsl/value-joiner.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Counter } from '../processor/internals/streams-metrics.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { log } from '../util/logger.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';
import { droppedRecords } from './emit-final.js';
import { storeValueGetter, type KTableValueGetter, type KTableValueGetterSupplier } from './ktable-value-getter.js';
import { TimestampedTupleForwarder, type KTableValueSource } from './tuple-forwarder.js';

/** How a side treats a missing partner: inner drops, left keeps its own rows, right / outer as Java. */
export type TableJoinSideKind = 'inner' | 'left' | 'right' | 'outer';

/** Java's UNKNOWN timestamp of a missing partner (the result keeps the updated side's time). */
const UNKNOWN = -1;

/**
 * One side of a table-table join (Java's `KTableKTableInnerJoin` / `LeftJoin` / `RightJoin` / `OuterJoin`
 * processors): on each change of this side it looks up the other table's current value and forwards the
 * joined change, at the later of the two timestamps.
 *
 * - inner: nothing when the other side has no value; a removed row gives a tombstone.
 * - left (the left table of a left join) and outer: with no partner, `joiner(value, null)`; a change that is
 *   absent on both sides (a tombstone for a key never seen) is dropped.
 * - right (the right table of a left join): nothing when the left has no value, else
 *   `joiner(left, newValue-or-null)`.
 * The old value is joined too when a downstream operator needs it. Null keys are dropped and counted.
 */
export class KTableKTableJoinSide<K, V1, V2, VR> {
  sendOldValues = false;

  constructor(
    private readonly kind: TableJoinSideKind,
    /** The table whose changes this side processes. */
    private readonly thisSource: KTableValueSource,
    private readonly otherSource: KTableValueSource,
    private readonly otherGetter: KTableValueGetterSupplier<K, V2>,
    /** `(key, thisValue, otherValue)`, already turned around for the right side. */
    private readonly joiner: ValueJoinerWithKey<K, V1 | null, V2 | null, VR>,
  ) {}

  /** Java: table-table joins that must send old values need both parents materialized and sending them. */
  enableSendingOldValues(): void {
    this.thisSource.enableSendingOldValues(true);
    this.otherSource.enableSendingOldValues(true);
    this.sendOldValues = true;
  }

  get(): Processor<K, Change<V1>, K, Change<VR>> {
    const { kind, joiner, otherGetter } = this;
    const sendOldValues = this.sendOldValues;
    let ctx: ProcessorContext<K, Change<VR>>;
    let getter: KTableValueGetter<K, V2>;
    let dropped: Counter;
    const join = (r: Record<K, Change<V1>>, other: ValueAndTimestamp<V2> | null): MaybePromise<void> => {
      const otherValue = other === null ? null : other.value;
      const { newValue, oldValue } = r.value;
      let newResult: VR | null = null;
      let oldResult: VR | null = null;
      switch (kind) {
        case 'inner':
          if (otherValue === null) return;
          if (newValue !== null) newResult = joiner(r.key, newValue, otherValue);
          if (sendOldValues && oldValue !== null) oldResult = joiner(r.key, oldValue, otherValue);
          break;
        case 'left':
          if (otherValue === null && newValue === null && oldValue === null) return;
          if (newValue !== null) newResult = joiner(r.key, newValue, otherValue);
          if (sendOldValues && oldValue !== null) oldResult = joiner(r.key, oldValue, otherValue);
          break;
        case 'right':
          if (otherValue === null) return;
          newResult = joiner(r.key, newValue, otherValue);
          if (sendOldValues) oldResult = joiner(r.key, oldValue, otherValue);
          break;
        case 'outer':
          if (otherValue === null && newValue === null && oldValue === null) return;
          if (otherValue !== null || newValue !== null) newResult = joiner(r.key, newValue, otherValue);
          if (sendOldValues && (otherValue !== null || oldValue !== null)) oldResult = joiner(r.key, oldValue, otherValue);
          break;
      }
      const timestamp = Math.max(r.timestamp, other === null ? UNKNOWN : other.timestamp);
      return ctx.forward(r.withValue(new Change(newResult, oldResult)).withTimestamp(timestamp));
    };
    return {
      init(c) {
        ctx = c;
        getter = otherGetter.get();
        getter.init(c);
        dropped = droppedRecords(c);
      },
      process(r: Record<K, Change<V1>>) {
        if (r.key === null || r.key === undefined) {
          const m = ctx.recordMetadata();
          log.warn(`Skipping record due to null key. topic=[${m?.topic()}] partition=[${m?.partition()}] offset=[${m?.offset()}]`);
          dropped.record();
          return;
        }
        return thenMaybe(getter.get(r.key), (other) => join(r, other));
      },
    };
  }
}

export type TableJoinKind = 'inner' | 'left' | 'outer';

/**
 * Java's `KTableKTableJoinMerger`: the node both sides of a table-table join forward to, and the operator of
 * the join's result table. Materialized, it keeps the result in its store (and forwards through the record
 * cache); otherwise it passes the changes on. Read through a getter, an unmaterialized join joins on read.
 */
export class KTableKTableJoinMerger<K, V1, V2, VR> implements KTableValueSource {
  sendOldValues = false;

  constructor(
    private readonly kind: TableJoinKind,
    private readonly thisSide: KTableKTableJoinSide<K, V1, V2, VR>,
    private readonly otherSide: KTableKTableJoinSide<K, V2, V1, VR>,
    private readonly thisGetter: KTableValueGetterSupplier<K, V1>,
    private readonly otherGetter: KTableValueGetterSupplier<K, V2>,
    private readonly joiner: ValueJoinerWithKey<K, V1 | null, V2 | null, VR>,
    readonly queryableName: string | null,
  ) {}

  enableSendingOldValues(): boolean {
    this.thisSide.enableSendingOldValues();
    this.otherSide.enableSendingOldValues();
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<K, VR> {
    if (this.queryableName !== null) return storeValueGetter(this.queryableName);
    return joinValueGetter(this.kind, this.thisGetter, this.otherGetter, this.joiner);
  }

  get(): Processor<K, Change<VR>, K, Change<VR>> {
    const { queryableName } = this;
    const sendOldValues = this.sendOldValues;
    let ctx: ProcessorContext<K, Change<VR>>;
    let store: TimestampedKeyValueStore<K, VR> | null = null;
    let forwarder: TimestampedTupleForwarder<K, VR>;
    return {
      init(c) {
        ctx = c;
        if (queryableName !== null) {
          store = c.getStateStore<TimestampedKeyValueStore<K, VR>>(queryableName);
          forwarder = new TimestampedTupleForwarder(store, c, sendOldValues);
        }
      },
      process(r: Record<K, Change<VR>>) {
        const s = store;
        if (s === null) return ctx.forward(sendOldValues ? r : r.withValue(new Change(r.value.newValue, null)));
        return thenMaybe(s.put(r.key, ValueAndTimestamp.make(r.value.newValue, r.timestamp)), () => forwarder.maybeForward(r));
      },
    };
  }
}

/** Java's join value getters: the result of an unmaterialized join, computed from both tables on read. */
function joinValueGetter<K, V1, V2, VR>(
  kind: TableJoinKind,
  left: KTableValueGetterSupplier<K, V1>,
  right: KTableValueGetterSupplier<K, V2>,
  joiner: ValueJoinerWithKey<K, V1 | null, V2 | null, VR>,
): KTableValueGetterSupplier<K, VR> {
  return {
    storeNames: () => [...left.storeNames(), ...right.storeNames()],
    get: () => {
      const l = left.get();
      const r = right.get();
      return {
        init(ctx) {
          l.init(ctx);
          r.init(ctx);
        },
        get: (key) =>
          thenMaybe(l.get(key), (lv) => {
            // inner and left joins have no row without a left value: the right table need not be read
            if (lv === null && kind !== 'outer') return null;
            return thenMaybe(r.get(key), (rv) => {
              if (kind === 'inner' && rv === null) return null;
              if (lv === null && rv === null) return null;
              const timestamp = Math.max(lv === null ? UNKNOWN : lv.timestamp, rv === null ? UNKNOWN : rv.timestamp);
              return ValueAndTimestamp.make(joiner(key, lv === null ? null : lv.value, rv === null ? null : rv.value), timestamp);
            });
          }),
      };
    },
  };
}
