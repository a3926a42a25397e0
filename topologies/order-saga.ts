/**
 * The payment/stock saga (../shared/DOMAIN.md section 3, seed 002): joins each order's payment answer with its
 * stock answer and decides the order once.
 *
 *   payment-orders ─filter─┐
 *                          ├─ outerJoin (window ±joinWindowMs, grace graceMs) ─► processValues(decide once) ─► order-decisions
 *   stock-orders ───filter─┘   stores: order-saga-payments, order-saga-stocks,      store: orders-view
 *                                      order-saga-payments-outer-shared-join-store
 *
 * - ACCEPT+ACCEPT = CONFIRMED, REJECT+REJECT = REJECTED, one REJECT = ROLLBACK naming the rejecting side.
 * - The outer join (Java ≥ 3.1 semantics) holds an answer without partner until its window and grace have
 *   passed in stream time (stream time: the highest answer time seen by the task), then emits it unmatched:
 *   TIMED_OUT, with `rollbackSource` naming the side that never answered. Nothing is decided early.
 * - Exactly one decision per order: `orders-view` keeps every order's decision, and a later result for an
 *   order already decided is dropped. That covers duplicate answers and an answer arriving after its partner
 *   already timed out (the join still pairs them while the partner is in its window store, as Java's does):
 *   the first decision stands.
 * - An answer that arrives when its whole window is already behind stream time is decided at once: TIMED_OUT
 *   if its partner is not in the store any more (or never came), else the pair's decision.
 * - Answers with a null key or value are dropped. Decisions carry the join's timestamp: the later answer's
 *   time, or the lone answer's time for TIMED_OUT.
 */
import {
  Consumed,
  type FixedKeyRecord,
  JoinWindows,
  Named,
  Produced,
  Serdes,
  Stores,
  StreamJoined,
  type FixedKeyProcessor,
  type FixedKeyProcessorContext,
  type KeyValueStore,
  type StreamsBuilder,
  type WindowBytesStoreSupplier,
} from '../src/index.js';
import type { OrderDecision, SagaAnswer } from './records.js';
import { jsonValueSerdes, type ValueSerdeFactory } from './serdes.js';

export interface OrderSagaOptions {
  paymentTopic?: string;
  stockTopic?: string;
  decisionsTopic?: string;
  /** The queryable key-value store of every order's decision. */
  viewStore?: string;
  /** The join's window stores of payment and stock answers. */
  paymentStore?: string;
  stockStore?: string;
  /** Answers join when their event times differ by at most this much. */
  joinWindowMs?: number;
  /** How long after a window's end out-of-order answers are still waited for. */
  graceMs?: number;
  /** Persistent (LevelDB, as Java's RocksDB default) or in-memory stores; all are changelogged. */
  storeType?: 'persistent' | 'in-memory';
  /** Value serdes of the contract topics (JSON by default); the stores always hold JSON. */
  valueSerdes?: ValueSerdeFactory;
}

export const ORDER_SAGA_DEFAULTS = {
  paymentTopic: 'payment-orders',
  stockTopic: 'stock-orders',
  decisionsTopic: 'order-decisions',
  viewStore: 'orders-view',
  paymentStore: 'order-saga-payments',
  stockStore: 'order-saga-stocks',
  joinWindowMs: 10_000,
  graceMs: 5_000,
  storeType: 'persistent',
} as const satisfies Required<Omit<OrderSagaOptions, 'valueSerdes'>>;

/** The store of answers waiting for a partner (named by Java's rule after the payment window store). */
export function sagaSharedStoreName(paymentStore: string = ORDER_SAGA_DEFAULTS.paymentStore): string {
  return `${paymentStore}-outer-shared-join-store`;
}

/** The decision for an order from its two answers; a missing answer (null) means that side timed out. */
export function decide(orderId: string, payment: SagaAnswer | null, stock: SagaAnswer | null): OrderDecision {
  if (payment === null) return { orderId, status: 'TIMED_OUT', rollbackSource: 'PAYMENT' };
  if (stock === null) return { orderId, status: 'TIMED_OUT', rollbackSource: 'STOCK' };
  if (payment.status === 'ACCEPT' && stock.status === 'ACCEPT') return { orderId, status: 'CONFIRMED', rollbackSource: null };
  if (payment.status === 'REJECT' && stock.status === 'REJECT') return { orderId, status: 'REJECTED', rollbackSource: null };
  return { orderId, status: 'ROLLBACK', rollbackSource: payment.status === 'REJECT' ? 'PAYMENT' : 'STOCK' };
}

/** Adds the order-saga topology to `builder`. */
export function addOrderSaga(builder: StreamsBuilder, options: OrderSagaOptions = {}): void {
  const o = { ...ORDER_SAGA_DEFAULTS, ...options };
  const serdes = options.valueSerdes ?? jsonValueSerdes;
  const S = Serdes.String();
  const answers = Serdes.Json<SagaAnswer>();
  const windows = JoinWindows.ofTimeDifferenceAndGrace(o.joinWindowMs, o.graceMs);
  // the join's window stores: a window of size 2 × joinWindowMs, kept for that plus the grace, with duplicates
  const window = (name: string): WindowBytesStoreSupplier =>
    o.storeType === 'in-memory'
      ? Stores.inMemoryWindowStore(name, windows.size() + o.graceMs, windows.size(), true)
      : Stores.persistentWindowStore(name, windows.size() + o.graceMs, windows.size(), true);
  const view = o.storeType === 'in-memory' ? Stores.inMemoryKeyValueStore(o.viewStore) : Stores.persistentKeyValueStore(o.viewStore);
  builder.addStateStore(Stores.keyValueStoreBuilder(view, S, Serdes.Json<OrderDecision>()));

  const valid = (_k: string, v: SagaAnswer) => _k !== null && _k !== undefined && v !== null && v !== undefined;
  const payments = builder
    .stream<string, SagaAnswer>(o.paymentTopic, Consumed.with(S, serdes<SagaAnswer>('saga-answer', o.paymentTopic)))
    .filter(valid, Named.as('order-saga-payments-valid'));
  const stocks = builder
    .stream<string, SagaAnswer>(o.stockTopic, Consumed.with(S, serdes<SagaAnswer>('saga-answer', o.stockTopic)))
    .filter(valid, Named.as('order-saga-stocks-valid'));

  payments
    .outerJoin(
      stocks,
      (orderId: string, payment: SagaAnswer | null, stock: SagaAnswer | null) => decide(orderId, payment, stock),
      windows,
      StreamJoined.with<string, SagaAnswer, SagaAnswer>(window(o.paymentStore), window(o.stockStore))
        .withName('order-saga-join')
        .withKeySerde(S)
        .withValueSerde(answers)
        .withOtherValueSerde(answers),
    )
    .processValues(() => new DecideOnce(o.viewStore), Named.as('order-saga-decide-once'), o.viewStore)
    .to(o.decisionsTopic, Produced.with(S, serdes<OrderDecision>('order-decision', o.decisionsTopic)));
}

/** Forwards an order's first decision and records it in the view; later results for the order are dropped. */
class DecideOnce implements FixedKeyProcessor<string, OrderDecision, OrderDecision> {
  private ctx!: FixedKeyProcessorContext<string, OrderDecision>;
  private view!: KeyValueStore<string, OrderDecision>;

  constructor(private readonly storeName: string) {}

  init(context: FixedKeyProcessorContext<string, OrderDecision>): void {
    this.ctx = context;
    this.view = context.getStateStore(this.storeName);
  }

  async process(record: FixedKeyRecord<string, OrderDecision>): Promise<void> {
    if ((await this.view.get(record.key)) !== null) return;
    await this.view.put(record.key, record.value);
    await this.ctx.forward(record);
  }
}
