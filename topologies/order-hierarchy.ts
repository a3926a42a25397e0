/**
 * Parent/child hierarchies (../shared/DOMAIN.md section 2, seed 000 part 2): rolls the `order-state` of
 * child orders up into their parent's row.
 *
 *   order-state ─table─► groupBy(parentOrderId ?? orderId) ─repartition─► aggregate(adder, subtractor)
 *        ─toStream─┬─► parent-order-state
 *                  └─► processValues(first FILLED only) ─► parent-orders-filled
 *
 * A KTable aggregation with a subtractor: when a child's state changes, the table sends its old and new
 * state, and since the parent key does not change both travel in one repartition record, so the old state
 * is subtracted and the new one added in one step (Kafka ≥ 3.5, KIP-904) and the parent row is emitted
 * once per change. A parent's own `order-state` (no `parentOrderId`) sets the row's `quantity`; children
 * may come first (`quantity` 0 and status `NEW` until the parent arrives). Caching is off on the table and
 * the aggregate so that every change is emitted, on the driver and on Kafka alike.
 */
import {
  Consumed,
  Grouped,
  KeyValue,
  Materialized,
  Named,
  Produced,
  Serdes,
  Stores,
  type FixedKeyProcessor,
  type FixedKeyProcessorContext,
  type FixedKeyRecord,
  type KeyValueStore,
  type StreamsBuilder,
} from '../src/index.js';
import type { OrderState, ParentOrderState, ParentOrderStatus } from './records.js';
import { jsonValueSerdes, type ValueSerdeFactory } from './serdes.js';

export interface OrderHierarchyOptions {
  orderStateTopic?: string;
  parentOrderStateTopic?: string;
  parentOrdersFilledTopic?: string;
  /** The materialized `order-state` table (latest state per order). */
  orderStateStore?: string;
  /** The parent rows (latest `parent-order-state` per parent), queryable. */
  parentStateStore?: string;
  /** Parents already written to `parent-orders-filled`. */
  parentFilledStore?: string;
  /** Name of the grouping (its repartition topic is `<application.id>-<name>-repartition`). */
  groupingName?: string;
  storeType?: 'persistent' | 'in-memory';
  valueSerdes?: ValueSerdeFactory;
}

export const ORDER_HIERARCHY_DEFAULTS = {
  orderStateTopic: 'order-state',
  parentOrderStateTopic: 'parent-order-state',
  parentOrdersFilledTopic: 'parent-orders-filled',
  orderStateStore: 'order-hierarchy-order-state',
  parentStateStore: 'parent-order-state',
  parentFilledStore: 'parent-orders-filled-emitted',
  groupingName: 'order-hierarchy-by-parent',
  storeType: 'persistent',
} as const satisfies Required<Omit<OrderHierarchyOptions, 'valueSerdes'>>;

/** Adds the order-hierarchy topology to `builder`. */
export function addOrderHierarchy(builder: StreamsBuilder, options: OrderHierarchyOptions = {}): void {
  const o = { ...ORDER_HIERARCHY_DEFAULTS, ...options };
  const serdes = options.valueSerdes ?? jsonValueSerdes;
  const S = Serdes.String();
  const stateJson = Serdes.Json<OrderState>();
  const parentJson = Serdes.Json<ParentOrderState>();
  const persistent = o.storeType !== 'in-memory';
  const supplier = (name: string) => (persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name));
  builder.addStateStore(Stores.keyValueStoreBuilder(supplier(o.parentFilledStore), S, Serdes.Long()));

  const parents = builder
    .table<string, OrderState>(
      o.orderStateTopic,
      Consumed.with(S, serdes<OrderState>('order-state', o.orderStateTopic)),
      Materialized.as<string, OrderState>(persistent ? o.orderStateStore : Stores.inMemoryKeyValueStore(o.orderStateStore))
        .withKeySerde(S)
        .withValueSerde(stateJson)
        .withCachingDisabled(),
    )
    .groupBy((orderId, state) => KeyValue.pair(state.parentOrderId ?? orderId, state), Grouped.with(o.groupingName, S, stateJson))
    .aggregate<ParentOrderState>(
      () => ({ parentOrderId: '', quantity: 0, filledQuantity: 0, childCount: 0, openChildCount: 0, status: 'NEW', lastEventTime: 0 }),
      (parentId, state, agg) => rollUp(parentId, state, agg, +1),
      (parentId, state, agg) => rollUp(parentId, state, agg, -1),
      Named.as('order-hierarchy-aggregate'),
      Materialized.as<string, ParentOrderState>(persistent ? o.parentStateStore : Stores.inMemoryKeyValueStore(o.parentStateStore))
        .withKeySerde(S)
        .withValueSerde(parentJson)
        .withCachingDisabled(),
    )
    .toStream(Named.as('order-hierarchy-changes'));

  parents.to(o.parentOrderStateTopic, Produced.with(S, serdes<ParentOrderState>('parent-order-state', o.parentOrderStateTopic)));
  parents
    .processValues<ParentOrderState>(() => new FirstFilledProcessor(o.parentFilledStore), Named.as('order-hierarchy-first-filled'), o.parentFilledStore)
    .to(o.parentOrdersFilledTopic, Produced.with(S, serdes<ParentOrderState>('parent-order-state', o.parentOrdersFilledTopic)));
}

/** Adds (`sign` +1) or subtracts (`sign` -1) one order's state to or from its parent's row. */
function rollUp(parentId: string, state: OrderState, agg: ParentOrderState, sign: 1 | -1): ParentOrderState {
  const next = { ...agg, parentOrderId: parentId };
  if (state.parentOrderId === null || state.parentOrderId === undefined) {
    // the parent itself: its quantity (0 again while subtracted, until its new state is added)
    next.quantity = sign > 0 ? state.quantity : 0;
  } else {
    next.childCount += sign;
    next.filledQuantity += sign * state.filledQuantity;
    if (state.status === 'NEW' || state.status === 'PARTIALLY_FILLED') next.openChildCount += sign;
  }
  if (sign > 0) next.lastEventTime = Math.max(next.lastEventTime, state.lastEventTime);
  next.status = parentStatus(next);
  return next;
}

/** The order status rule applied to the parent row; `NEW` while the parent has not arrived. */
export function parentStatus(p: Pick<ParentOrderState, 'quantity' | 'filledQuantity'>): ParentOrderStatus {
  if (p.quantity <= 0 || p.filledQuantity <= 0) return 'NEW';
  if (p.filledQuantity < p.quantity) return 'PARTIALLY_FILLED';
  return p.filledQuantity === p.quantity ? 'FILLED' : 'OVERFILLED';
}

/** Forwards a parent row only the first time it has `filledQuantity == quantity > 0`. */
class FirstFilledProcessor implements FixedKeyProcessor<string, ParentOrderState | null, ParentOrderState> {
  private ctx!: FixedKeyProcessorContext<string, ParentOrderState>;
  private emitted!: KeyValueStore<string, number>;

  constructor(private readonly storeName: string) {}

  init(context: FixedKeyProcessorContext<string, ParentOrderState>): void {
    this.ctx = context;
    this.emitted = context.getStateStore(this.storeName);
  }

  async process(record: FixedKeyRecord<string, ParentOrderState | null>): Promise<void> {
    const row = record.value;
    if (row === null || row.quantity <= 0 || row.filledQuantity !== row.quantity) return;
    if ((await this.emitted.get(record.key)) !== null) return;
    await this.emitted.put(record.key, record.timestamp);
    await this.ctx.forward(record.withValue(row));
  }
}
