import { afterEach, describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder } from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '../../test-driver/index.js';
import { TOPOLOGIES } from '../../topologies/index.js';
import { ORDER_SAGA_DEFAULTS, addOrderSaga, sagaSharedStoreName, type OrderSagaOptions } from '../../topologies/order-saga.js';
import type { OrderDecision, SagaAnswer } from '../../topologies/records.js';
import { T0 } from './helpers.js';

const S = Serdes.String();

const payment = (orderId: string, status: SagaAnswer['status'], eventTime: number): SagaAnswer => ({ orderId, status, source: 'PAYMENT', eventTime });
const stock = (orderId: string, status: SagaAnswer['status'], eventTime: number): SagaAnswer => ({ orderId, status, source: 'STOCK', eventTime });
const decision = (orderId: string, status: OrderDecision['status'], rollbackSource: OrderDecision['rollbackSource'], timestamp: number) => ({
  key: orderId,
  value: { orderId, status, rollbackSource },
  timestamp,
});

/** order-saga on the TopologyTestDriver; answers are piped at their event time. */
class SagaHarness {
  readonly driver: TopologyTestDriver;
  private readonly payments: TestInputTopic<string, SagaAnswer>;
  private readonly stocks: TestInputTopic<string, SagaAnswer>;
  private readonly decisions: TestOutputTopic<string, OrderDecision>;

  constructor(options: OrderSagaOptions) {
    const builder = new StreamsBuilder();
    addOrderSaga(builder, options);
    this.driver = new TopologyTestDriver(builder.build(), { 'application.id': 'order-saga-test' }, 0);
    this.payments = this.driver.createInputTopic(ORDER_SAGA_DEFAULTS.paymentTopic, S, Serdes.Json<SagaAnswer>());
    this.stocks = this.driver.createInputTopic(ORDER_SAGA_DEFAULTS.stockTopic, S, Serdes.Json<SagaAnswer>());
    this.decisions = this.driver.createOutputTopic(ORDER_SAGA_DEFAULTS.decisionsTopic, S, Serdes.Json<OrderDecision>());
  }

  answer(a: SagaAnswer): Promise<void> {
    return (a.source === 'PAYMENT' ? this.payments : this.stocks).pipeInput(a.orderId, a, a.eventTime);
  }

  /** The decisions emitted since the last call. */
  drain() {
    return this.decisions.readRecordsToList().map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }));
  }

  async view(): Promise<Array<{ key: string; value: OrderDecision }>> {
    const store = (await this.driver.getKeyValueStore<string, OrderDecision>(ORDER_SAGA_DEFAULTS.viewStore))!;
    return (await toArray(store.all())).map(({ key, value }) => ({ key, value }));
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

describe.each(['persistent', 'in-memory'] as const)('order-saga (DOMAIN.md §3) with %s stores', (storeType) => {
  let h: SagaHarness;
  const harness = (options: OrderSagaOptions = {}) => (h = new SagaHarness({ storeType, ...options }));
  afterEach(async () => {
    await h?.close();
  });

  it('ACCEPT+ACCEPT is CONFIRMED as soon as the second answer arrives, at its time', async () => {
    harness();
    await h.answer(payment('A', 'ACCEPT', T0));
    expect(h.drain()).toEqual([]);
    await h.answer(stock('A', 'ACCEPT', T0 + 4_000));
    expect(h.drain()).toEqual([decision('A', 'CONFIRMED', null, T0 + 4_000)]);
    expect(await h.view()).toEqual([{ key: 'A', value: { orderId: 'A', status: 'CONFIRMED', rollbackSource: null } }]);
  });

  it('REJECT+REJECT is REJECTED, whichever side answers first', async () => {
    harness();
    await h.answer(stock('A', 'REJECT', T0));
    await h.answer(payment('A', 'REJECT', T0 + 10_000));
    expect(h.drain()).toEqual([decision('A', 'REJECTED', null, T0 + 10_000)]);
  });

  it('one REJECT is a ROLLBACK naming the rejecting side (either side, in either order)', async () => {
    harness();
    await h.answer(payment('A', 'REJECT', T0));
    await h.answer(stock('A', 'ACCEPT', T0 + 1));
    await h.answer(stock('B', 'REJECT', T0 + 2));
    await h.answer(payment('B', 'ACCEPT', T0 + 3));
    // an out-of-order answer within the window still pairs
    await h.answer(payment('C', 'ACCEPT', T0 + 4));
    await h.answer(stock('C', 'REJECT', T0 - 5_000));
    expect(h.drain()).toEqual([
      decision('A', 'ROLLBACK', 'PAYMENT', T0 + 1),
      decision('B', 'ROLLBACK', 'STOCK', T0 + 3),
      decision('C', 'ROLLBACK', 'STOCK', T0 + 4),
    ]);
  });

  it('a side that never answers: TIMED_OUT naming it, once window + grace passed in stream time, not before', async () => {
    harness();
    await h.answer(payment('A', 'ACCEPT', T0));
    await h.answer(stock('Z', 'ACCEPT', T0 + 10_000));
    await h.answer(payment('Y', 'REJECT', T0 + 15_000));
    // stream time T0 + 15000 = A's time + window + grace: A may still be joined
    expect(h.drain()).toEqual([]);
    await h.answer(payment('X', 'ACCEPT', T0 + 15_001));
    expect(h.drain()).toEqual([decision('A', 'TIMED_OUT', 'STOCK', T0)]);
    // Z (a stock answer) waits for its payment until T0 + 25000
    await h.answer(stock('W', 'ACCEPT', T0 + 25_000));
    expect(h.drain()).toEqual([]);
    await h.answer(stock('V', 'ACCEPT', T0 + 30_001));
    // oldest first; X (T0 + 15001) is due only after T0 + 30001
    expect(h.drain()).toEqual([decision('Z', 'TIMED_OUT', 'PAYMENT', T0 + 10_000), decision('Y', 'TIMED_OUT', 'STOCK', T0 + 15_000)]);
  });

  it('late answers beyond grace: the first decision stands; an answer out of its window is decided at once', async () => {
    harness();
    await h.answer(payment('A', 'ACCEPT', T0));
    await h.answer(payment('B', 'ACCEPT', T0 + 20_000));
    expect(h.drain()).toEqual([decision('A', 'TIMED_OUT', 'STOCK', T0)]);
    // A's stock answer comes too late: the join still pairs it, but A was already decided
    await h.answer(stock('A', 'ACCEPT', T0 + 1_000));
    // C's stock answer is behind stream time by more than its window: no payment can pair with it any more
    await h.answer(stock('C', 'REJECT', T0 + 5_000));
    expect(h.drain()).toEqual([decision('C', 'TIMED_OUT', 'PAYMENT', T0 + 5_000)]);
    // within grace (window passed, grace not): still paired
    await h.answer(payment('D', 'ACCEPT', T0 + 12_000));
    await h.answer(stock('D', 'ACCEPT', T0 + 9_000));
    expect(h.drain()).toEqual([decision('D', 'CONFIRMED', null, T0 + 12_000)]);
    expect((await h.view()).map((e) => [e.key, e.value.status])).toEqual([
      ['A', 'TIMED_OUT'],
      ['C', 'TIMED_OUT'],
      ['D', 'CONFIRMED'],
    ]);
    // paged reads of the view, as interactive queries serve them
    const view = (await h.driver.getKeyValueStore<string, OrderDecision>(ORDER_SAGA_DEFAULTS.viewStore))!;
    expect((await toArray(view.range('B', 'D'))).map((e) => e.key)).toEqual(['C', 'D']);
    expect(await view.get('C')).toEqual({ orderId: 'C', status: 'TIMED_OUT', rollbackSource: 'PAYMENT' });
  });

  it('exactly one decision per order: duplicate answers change nothing', async () => {
    harness();
    await h.answer(payment('A', 'ACCEPT', T0));
    await h.answer(payment('A', 'ACCEPT', T0 + 1));
    await h.answer(stock('A', 'REJECT', T0 + 2));
    await h.answer(stock('A', 'ACCEPT', T0 + 3));
    await h.answer(payment('B', 'ACCEPT', T0 + 100_000));
    expect(h.drain()).toEqual([decision('A', 'ROLLBACK', 'STOCK', T0 + 2)]);
  });

  it('window and grace are options', async () => {
    harness({ joinWindowMs: 1_000, graceMs: 0 });
    await h.answer(payment('A', 'ACCEPT', T0));
    await h.answer(stock('A', 'ACCEPT', T0 + 1_001));
    expect(h.drain()).toEqual([decision('A', 'TIMED_OUT', 'STOCK', T0)]);
    // A's stock answer, too late for the payment, times out in turn, but A is decided already
    await h.answer(stock('B', 'ACCEPT', T0 + 3_000));
    expect(h.drain()).toEqual([]);
  });

  it('the stores: orders-view, the two window stores and the store of waiting answers', async () => {
    harness();
    expect([...(await h.driver.getAllStateStores()).keys()].sort()).toEqual(
      ['order-saga-payments', sagaSharedStoreName(), 'order-saga-stocks', 'orders-view'].sort(),
    );
    expect(TOPOLOGIES['order-saga']!.stores).toEqual(['orders-view', 'order-saga-payments', 'order-saga-stocks', sagaSharedStoreName()]);
  });
});

describe('order-saga in the registry', () => {
  it('runs its sample data: at most one decision per order, each the right one', async () => {
    const module = TOPOLOGIES['order-saga']!;
    const records = await module.sample({ count: 200, seed: 7 });
    const builder = new StreamsBuilder();
    module.add(builder, { options: { storeType: 'in-memory' } });
    const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'saga-sample' }, 0);
    try {
      const inputs = new Map(['payment-orders', 'stock-orders'].map((t) => [t, driver.createInputTopic(t, S, Serdes.Json<SagaAnswer>())]));
      for (const r of records) await inputs.get(r.topic)!.pipeInput(r.key as string, r.value as SagaAnswer, r.timestamp);
      // one late record moves stream time past every window
      const last = Math.max(...records.map((r) => r.timestamp));
      await inputs.get('payment-orders')!.pipeInput('ZZZ', { orderId: 'ZZZ', status: 'ACCEPT', source: 'PAYMENT', eventTime: last + 60_000 }, last + 60_000);
      const out = driver.createOutputTopic('order-decisions', S, Serdes.Json<OrderDecision>()).readKeyValuesToList();
      const byOrder = new Map<string, OrderDecision[]>();
      for (const { key, value } of out) byOrder.set(key as string, [...(byOrder.get(key as string) ?? []), value as OrderDecision]);
      const answers = new Map<string, SagaAnswer[]>();
      for (const r of records) answers.set(r.key as string, [...(answers.get(r.key as string) ?? []), r.value as SagaAnswer]);
      expect(byOrder.size).toBe(answers.size);
      for (const [orderId, given] of answers) {
        expect(byOrder.get(orderId)).toHaveLength(1);
        const p = given.find((a) => a.source === 'PAYMENT') ?? null;
        const s = given.find((a) => a.source === 'STOCK') ?? null;
        // the sample's answers are at most 3 s apart, well inside the 10 s window
        const expected = p === null ? 'TIMED_OUT' : s === null ? 'TIMED_OUT' : p.status === 'ACCEPT' && s.status === 'ACCEPT' ? 'CONFIRMED' : p.status === s.status ? 'REJECTED' : 'ROLLBACK';
        expect(byOrder.get(orderId)![0]!.status).toBe(expected);
      }
    } finally {
      await driver.close();
    }
  });
});
