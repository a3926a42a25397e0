/**
 * Order fills (../shared/DOMAIN.md section 1, seed 000): derives each order's state from its order events
 * and its execution reports (fills), tolerating duplicates, fills before their order, overfills, cancels
 * racing fills and late cancels.
 *
 * Declared with the DSL; the per-order state machine is a Processor API processor (`process`) with two
 * key-value stores: the state of every known order, and the fills held for orders that have not arrived.
 *
 *   orders ──mapValues──┐
 *                       ├─merge─► process(order-fill) ─split─► order-state / orders-filled / order-anomalies
 *   fills  ──mapValues──┘              │  stores: order-fill-state, order-fill-pending
 *                                      └─ STREAM_TIME punctuation: held fills past the grace → UNKNOWN_ORDER
 *
 * Rules the contract leaves open, decided here:
 *  - a late fill (before the cancel's time) that completes a CANCELED order makes it FILLED (the status rule
 *    `filled == quantity` holds) and the cancel is reported as LATE_CANCEL, as if the fill had arrived
 *    before the cancel: either arrival order ends with the same status, quantities and anomalies;
 *  - a fill whose time equals the cancel's is "after" it (only fills strictly before a cancel apply);
 *  - every fill that leaves an order overfilled is an OVERFILL anomaly, as is a REPLACE below the filled
 *    quantity; an order that jumps over FILLED straight to OVERFILLED never appears on `orders-filled`;
 *  - REPLACE or CANCEL of an order that has not arrived is reported at once as UNKNOWN_ORDER (only fills
 *    are held); a second NEW, a second CANCEL and a REPLACE of a CANCELED order change nothing;
 *  - held fills expire when stream time reaches the fill's `eventTime + unknownOrderGraceMs`; when the
 *    order arrives, its held fills apply in arrival order, each emitting an `order-state`;
 *  - output record timestamps are the event times they describe (`lastEventTime`, the anomaly's `eventTime`).
 */
import {
  Branched,
  Consumed,
  Named,
  Produced,
  PunctuationType,
  Record,
  Serdes,
  Stores,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamsBuilder,
} from '../src/index.js';
import type { Fill, OrderAnomaly, OrderEvent, OrderState, OrderStatus } from './records.js';
import { jsonValueSerdes, type ValueSerdeFactory } from './serdes.js';

export interface OrderFillOptions {
  ordersTopic?: string;
  fillsTopic?: string;
  orderStateTopic?: string;
  ordersFilledTopic?: string;
  anomaliesTopic?: string;
  stateStore?: string;
  pendingStore?: string;
  /** How long (stream time) a fill waits for its order before it is reported as UNKNOWN_ORDER. */
  unknownOrderGraceMs?: number;
  /** How often (stream time) held fills are checked against the grace period. */
  unknownOrderCheckIntervalMs?: number;
  /** Persistent (LevelDB, as Java's RocksDB default) or in-memory stores; both are changelogged. */
  storeType?: 'persistent' | 'in-memory';
  /** Value serdes of the five contract topics (JSON by default). */
  valueSerdes?: ValueSerdeFactory;
}

export const ORDER_FILL_DEFAULTS = {
  ordersTopic: 'orders',
  fillsTopic: 'fills',
  orderStateTopic: 'order-state',
  ordersFilledTopic: 'orders-filled',
  anomaliesTopic: 'order-anomalies',
  stateStore: 'order-fill-state',
  pendingStore: 'order-fill-pending',
  unknownOrderGraceMs: 60_000,
  unknownOrderCheckIntervalMs: 1_000,
  storeType: 'persistent',
} as const satisfies Required<Omit<OrderFillOptions, 'valueSerdes'>>;

/** What the state store keeps per known order (internal; JSON). */
export interface OrderFillEntry {
  orderId: string;
  parentOrderId: string | null;
  account: string;
  symbol: string;
  side: OrderEvent['side'];
  quantity: number;
  limitPrice: number | null;
  filledQuantity: number;
  /** Sum of quantity × price of the applied fills. */
  notional: number;
  fillCount: number;
  status: OrderStatus;
  lastEventTime: number;
  appliedFillIds: string[];
  /** The time of the cancel in force, null when none. */
  canceledAt: number | null;
  /** True once the order has been written to `orders-filled`. */
  filledEmitted: boolean;
}

/** The fills held for an order that has not arrived yet, in arrival order (internal; JSON). */
export interface PendingFills {
  fills: Fill[];
}

/** The merged input of the state machine. */
export type OrderFillInput = { order: OrderEvent; fill?: undefined } | { fill: Fill; order?: undefined };

/** What the state machine emits, routed by `split` to the three output topics. */
export type OrderFillOutput = { state: OrderState } | { filled: OrderState } | { anomaly: OrderAnomaly };

/** Adds the order-fill topology to `builder`. */
export function addOrderFill(builder: StreamsBuilder, options: OrderFillOptions = {}): void {
  const o = { ...ORDER_FILL_DEFAULTS, ...options };
  const serdes = options.valueSerdes ?? jsonValueSerdes;
  const S = Serdes.String();
  const supplier = (name: string) => (o.storeType === 'in-memory' ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name));
  builder.addStateStore(Stores.keyValueStoreBuilder(supplier(o.stateStore), S, Serdes.Json<OrderFillEntry>()));
  builder.addStateStore(Stores.keyValueStoreBuilder(supplier(o.pendingStore), S, Serdes.Json<PendingFills>()));

  const orders = builder
    .stream<string, OrderEvent>(o.ordersTopic, Consumed.with(S, serdes<OrderEvent>('order-event', o.ordersTopic)))
    .mapValues((order): OrderFillInput => ({ order }), Named.as('order-fill-orders'));
  const fills = builder
    .stream<string, Fill>(o.fillsTopic, Consumed.with(S, serdes<Fill>('fill', o.fillsTopic)))
    .mapValues((fill): OrderFillInput => ({ fill }), Named.as('order-fill-fills'));

  orders
    .merge(fills, Named.as('order-fill-merge'))
    .process<string, OrderFillOutput>(() => new OrderFillProcessor(o), Named.as('order-fill-process'), o.stateStore, o.pendingStore)
    .split(Named.as('order-fill-output-'))
    .branch(
      (_k, v) => 'state' in v,
      Branched.withConsumer(
        (s) => s.mapValues((v) => (v as { state: OrderState }).state).to(o.orderStateTopic, Produced.with(S, serdes<OrderState>('order-state', o.orderStateTopic))),
        'state',
      ),
    )
    .branch(
      (_k, v) => 'filled' in v,
      Branched.withConsumer(
        (s) => s.mapValues((v) => (v as { filled: OrderState }).filled).to(o.ordersFilledTopic, Produced.with(S, serdes<OrderState>('order-state', o.ordersFilledTopic))),
        'filled',
      ),
    )
    .defaultBranch(
      Branched.withConsumer(
        (s) => s.mapValues((v) => (v as { anomaly: OrderAnomaly }).anomaly).to(o.anomaliesTopic, Produced.with(S, serdes<OrderAnomaly>('order-anomaly', o.anomaliesTopic))),
        'anomalies',
      ),
    );
}

type Resolved = Required<Omit<OrderFillOptions, 'valueSerdes'>>;

/** The per-order state machine (one instance per task). */
export class OrderFillProcessor implements Processor<string, OrderFillInput, string, OrderFillOutput> {
  private ctx!: ProcessorContext<string, OrderFillOutput>;
  private states!: KeyValueStore<string, OrderFillEntry>;
  private pending!: KeyValueStore<string, PendingFills>;

  constructor(private readonly o: Resolved) {}

  init(context: ProcessorContext<string, OrderFillOutput>): void {
    this.ctx = context;
    this.states = context.getStateStore(this.o.stateStore);
    this.pending = context.getStateStore(this.o.pendingStore);
    context.schedule(this.o.unknownOrderCheckIntervalMs, PunctuationType.STREAM_TIME, (now) => this.expireHeldFills(now));
  }

  async process(record: Record<string, OrderFillInput>): Promise<void> {
    const { key, value } = record;
    if (key === null || key === undefined || value === null || value === undefined) return;
    if (value.order !== undefined && value.order !== null) await this.onOrder(key, value.order);
    else if (value.fill !== undefined && value.fill !== null) await this.onFill(key, value.fill);
  }

  private async onOrder(orderId: string, event: OrderEvent): Promise<void> {
    const entry = await this.states.get(orderId);
    switch (event.eventType) {
      case 'NEW': {
        if (entry !== null) return; // a re-delivered NEW changes nothing
        const created: OrderFillEntry = {
          orderId,
          parentOrderId: event.parentOrderId ?? null,
          account: event.account,
          symbol: event.symbol,
          side: event.side,
          quantity: event.quantity,
          limitPrice: event.limitPrice ?? null,
          filledQuantity: 0,
          notional: 0,
          fillCount: 0,
          status: 'NEW',
          lastEventTime: event.eventTime,
          appliedFillIds: [],
          canceledAt: null,
          filledEmitted: false,
        };
        this.emitState(created);
        const held = await this.pending.get(orderId);
        if (held !== null) {
          await this.pending.delete(orderId);
          for (const fill of held.fills) this.applyFill(created, fill);
        }
        await this.states.put(orderId, created);
        return;
      }
      case 'REPLACE': {
        if (entry === null) return this.anomaly(orderId, 'UNKNOWN_ORDER', `REPLACE for order ${orderId}, which has not arrived`, event.eventTime);
        if (entry.status === 'CANCELED') return;
        const wasOverfilled = entry.status === 'OVERFILLED';
        entry.quantity = event.quantity;
        entry.limitPrice = event.limitPrice ?? null;
        entry.lastEventTime = Math.max(entry.lastEventTime, event.eventTime);
        entry.status = statusOf(entry);
        this.emitState(entry);
        this.maybeEmitFilled(entry);
        if (entry.status === 'OVERFILLED' && !wasOverfilled) {
          this.anomaly(orderId, 'OVERFILL', `REPLACE to quantity ${entry.quantity} is below the filled quantity ${entry.filledQuantity}`, event.eventTime);
        }
        await this.states.put(orderId, entry);
        return;
      }
      case 'CANCEL': {
        if (entry === null) return this.anomaly(orderId, 'UNKNOWN_ORDER', `CANCEL for order ${orderId}, which has not arrived`, event.eventTime);
        if (entry.status === 'FILLED' || entry.status === 'OVERFILLED') {
          return this.anomaly(orderId, 'LATE_CANCEL', `CANCEL at ${event.eventTime} for an order already ${entry.status}; ignored`, event.eventTime);
        }
        if (entry.status === 'CANCELED') return; // a re-delivered cancel
        entry.status = 'CANCELED';
        entry.canceledAt = event.eventTime;
        entry.lastEventTime = Math.max(entry.lastEventTime, event.eventTime);
        this.emitState(entry);
        await this.states.put(orderId, entry);
        return;
      }
    }
  }

  private async onFill(orderId: string, fill: Fill): Promise<void> {
    const entry = await this.states.get(orderId);
    if (entry !== null) {
      if (this.applyFill(entry, fill)) await this.states.put(orderId, entry);
      return;
    }
    // the order has not arrived: hold the fill (once)
    const held = (await this.pending.get(orderId)) ?? { fills: [] };
    if (held.fills.some((f) => f.fillId === fill.fillId)) {
      return this.anomaly(orderId, 'DUPLICATE_FILL', `fill ${fill.fillId} is already held for order ${orderId}`, fill.eventTime);
    }
    held.fills.push(fill);
    await this.pending.put(orderId, held);
  }

  /** Applies one fill to a known order, emitting what follows. Returns whether the entry changed. */
  private applyFill(entry: OrderFillEntry, fill: Fill): boolean {
    const orderId = entry.orderId;
    if (entry.appliedFillIds.includes(fill.fillId)) {
      this.anomaly(orderId, 'DUPLICATE_FILL', `fill ${fill.fillId} was already applied`, fill.eventTime);
      return false;
    }
    if (entry.status === 'CANCELED' && entry.canceledAt !== null && fill.eventTime >= entry.canceledAt) {
      this.anomaly(orderId, 'FILL_AFTER_CANCEL', `fill ${fill.fillId} at ${fill.eventTime} is not before the cancel at ${entry.canceledAt}; not applied`, fill.eventTime);
      return false;
    }
    const wasCanceled = entry.status === 'CANCELED';
    entry.filledQuantity += fill.quantity;
    entry.notional += fill.quantity * fill.price;
    entry.fillCount += 1;
    entry.appliedFillIds.push(fill.fillId);
    entry.lastEventTime = Math.max(entry.lastEventTime, fill.eventTime);
    entry.status = statusOf(entry);
    const canceledAt = entry.canceledAt;
    if (wasCanceled && entry.status !== 'CANCELED') entry.canceledAt = null; // the cancel came too late
    this.emitState(entry);
    this.maybeEmitFilled(entry);
    if (entry.status === 'OVERFILLED') {
      this.anomaly(orderId, 'OVERFILL', `fill ${fill.fillId} brings the filled quantity to ${entry.filledQuantity} of ${entry.quantity}`, fill.eventTime);
    }
    if (wasCanceled && entry.status !== 'CANCELED' && canceledAt !== null) {
      this.anomaly(orderId, 'LATE_CANCEL', `CANCEL at ${canceledAt} for an order already ${entry.status} by fills before it; ignored`, canceledAt);
    }
    return true;
  }

  private emitState(entry: OrderFillEntry): void {
    this.forward(entry.orderId, { state: stateOf(entry) }, entry.lastEventTime);
  }

  private maybeEmitFilled(entry: OrderFillEntry): void {
    if (entry.status !== 'FILLED' || entry.filledEmitted) return;
    entry.filledEmitted = true;
    this.forward(entry.orderId, { filled: stateOf(entry) }, entry.lastEventTime);
  }

  private anomaly(orderId: string, kind: OrderAnomaly['kind'], detail: string, eventTime: number): void {
    this.forward(orderId, { anomaly: { orderId, kind, detail, eventTime } }, eventTime);
  }

  private forward(key: string, value: OrderFillOutput, timestamp: number): void {
    // the downstream chain (split, mapValues, sinks) is synchronous
    void this.ctx.forward(new Record(key, value, Math.max(0, timestamp)));
  }

  /** STREAM_TIME punctuation: held fills whose order has not arrived within the grace are dropped and reported. */
  private async expireHeldFills(streamTime: number): Promise<void> {
    const grace = this.o.unknownOrderGraceMs;
    const changes: Array<{ orderId: string; keep: Fill[]; expired: Fill[] }> = [];
    const it = await this.pending.all();
    try {
      while (await it.hasNext()) {
        const { key, value } = await it.next();
        const expired = value.fills.filter((f) => f.eventTime + grace <= streamTime);
        if (expired.length > 0) changes.push({ orderId: key, keep: value.fills.filter((f) => f.eventTime + grace > streamTime), expired });
      }
    } finally {
      await it.close();
    }
    for (const { orderId, keep, expired } of changes) {
      await this.pending.put(orderId, keep.length > 0 ? { fills: keep } : null);
      for (const f of expired) {
        this.anomaly(orderId, 'UNKNOWN_ORDER', `fill ${f.fillId} was held ${grace} ms of stream time and order ${orderId} never arrived; dropped`, f.eventTime);
      }
    }
  }
}

/** The status rule of DOMAIN.md: filled vs quantity decides, except that a cancel holds a partial order. */
function statusOf(e: OrderFillEntry): OrderStatus {
  if (e.filledQuantity > e.quantity) return 'OVERFILLED';
  if (e.filledQuantity === e.quantity && e.quantity > 0) return 'FILLED';
  if (e.status === 'CANCELED') return 'CANCELED';
  return e.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'NEW';
}

/** The `order-state` record of an entry. */
export function stateOf(e: OrderFillEntry): OrderState {
  return {
    orderId: e.orderId,
    parentOrderId: e.parentOrderId,
    account: e.account,
    symbol: e.symbol,
    side: e.side,
    quantity: e.quantity,
    filledQuantity: e.filledQuantity,
    averagePrice: e.filledQuantity > 0 ? e.notional / e.filledQuantity : null,
    status: e.status,
    fillCount: e.fillCount,
    lastEventTime: e.lastEventTime,
  };
}
