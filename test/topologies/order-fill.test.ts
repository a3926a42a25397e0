import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_FILL_DEFAULTS, type PendingFills } from '../../topologies/order-fill.js';
import { TOPOLOGIES } from '../../topologies/index.js';
import type { OrderAnomaly, OrderState } from '../../topologies/records.js';
import { OrderFillHarness, T0, cancel, fill, newOrder, rec, replace, state } from './helpers.js';

const anomaly = (orderId: string, kind: OrderAnomaly['kind'], detail: string, eventTime: number) => rec(orderId, { orderId, kind, detail, eventTime });

describe.each(['persistent', 'in-memory'] as const)('order-fill (DOMAIN.md §1) with %s stores', (storeType) => {
  let h: OrderFillHarness;
  const harness = (options = {}) => (h = new OrderFillHarness({ storeType, ...options }));
  afterEach(async () => {
    await h?.close();
  });

  it('partial fills add up to FILLED; averagePrice is the quantity-weighted mean; one orders-filled', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 40, 10, T0 + 100));
    await h.fill(fill('f2', 'A', 60, 11, T0 + 200));
    const filled = state(a, { filledQuantity: 100, averagePrice: (40 * 10 + 60 * 11) / 100, status: 'FILLED', fillCount: 2, lastEventTime: T0 + 200 });
    expect(h.drain()).toEqual({
      states: [
        rec('A', state(a, { filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 })),
        rec('A', state(a, { filledQuantity: 40, averagePrice: 10, status: 'PARTIALLY_FILLED', fillCount: 1, lastEventTime: T0 + 100 })),
        rec('A', filled),
      ],
      filled: [rec('A', filled)],
      anomalies: [],
    });
  });

  it('a fill whose fillId was already applied is ignored and reported as DUPLICATE_FILL', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 40, 10, T0 + 100));
    h.drain();
    await h.fill(fill('f1', 'A', 40, 10, T0 + 100));
    expect(h.drain()).toEqual({ states: [], filled: [], anomalies: [anomaly('A', 'DUPLICATE_FILL', 'fill f1 was already applied', T0 + 100)] });
    await h.fill(fill('f2', 'A', 10, 10, T0 + 300));
    expect(h.states()).toEqual([rec('A', state(a, { filledQuantity: 50, averagePrice: 10, status: 'PARTIALLY_FILLED', fillCount: 2, lastEventTime: T0 + 300 }))]);
  });

  it('a duplicate of a fill held for an order that has not arrived is reported, and applied once', async () => {
    harness();
    await h.fill(fill('f1', 'B', 40, 10, T0 + 100));
    await h.fill(fill('f1', 'B', 40, 10, T0 + 100));
    expect(h.drain()).toEqual({ states: [], filled: [], anomalies: [anomaly('B', 'DUPLICATE_FILL', 'fill f1 is already held for order B', T0 + 100)] });
    const b = newOrder('B', 100, T0);
    await h.order(b);
    expect(h.drain()).toEqual({
      states: [
        rec('B', state(b, { filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 })),
        rec('B', state(b, { filledQuantity: 40, averagePrice: 10, status: 'PARTIALLY_FILLED', fillCount: 1, lastEventTime: T0 + 100 })),
      ],
      filled: [],
      anomalies: [],
    });
  });

  it('fills before their NEW are held in state and applied, in arrival order, when it arrives', async () => {
    harness();
    await h.fill(fill('f1', 'A', 30, 10, T0 + 100));
    await h.fill(fill('f2', 'A', 70, 12, T0 + 150));
    expect(h.drain()).toEqual({ states: [], filled: [], anomalies: [] });
    const pending = (await h.driver.getKeyValueStore<string, PendingFills>(ORDER_FILL_DEFAULTS.pendingStore))!;
    expect((await pending.get('A'))?.fills.map((f) => f.fillId)).toEqual(['f1', 'f2']);

    const a = newOrder('A', 100, T0);
    await h.order(a);
    const filled = state(a, { filledQuantity: 100, averagePrice: (30 * 10 + 70 * 12) / 100, status: 'FILLED', fillCount: 2, lastEventTime: T0 + 150 });
    expect(h.drain()).toEqual({
      states: [
        rec('A', state(a, { filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 })),
        rec('A', state(a, { filledQuantity: 30, averagePrice: 10, status: 'PARTIALLY_FILLED', fillCount: 1, lastEventTime: T0 + 100 })),
        rec('A', filled),
      ],
      filled: [rec('A', filled)],
      anomalies: [],
    });
    expect(await pending.get('A')).toBeNull();
  });

  it('a held fill whose order has not arrived within unknownOrderGraceMs of stream time is reported as UNKNOWN_ORDER and dropped', async () => {
    harness();
    await h.fill(fill('g1', 'G', 10, 5, T0));
    await h.fill(fill('g2', 'G', 20, 5, T0 + 10_000));
    const x = newOrder('X', 10, T0 + 30_000);
    const y = newOrder('Y', 10, T0 + 59_000);
    await h.order(x);
    await h.order(y);
    expect(h.anomalies()).toEqual([]);
    await h.order(newOrder('Z', 10, T0 + 61_000)); // stream time passes T0 + 60 s: g1 expires, g2 not yet
    const detail = (id: string) => `fill ${id} was held 60000 ms of stream time and order G never arrived; dropped`;
    expect(h.anomalies()).toEqual([anomaly('G', 'UNKNOWN_ORDER', detail('g1'), T0)]);
    const pending = (await h.driver.getKeyValueStore<string, PendingFills>(ORDER_FILL_DEFAULTS.pendingStore))!;
    expect((await pending.get('G'))?.fills.map((f) => f.fillId)).toEqual(['g2']);
    await h.order(newOrder('W', 10, T0 + 71_000));
    expect(h.anomalies()).toEqual([anomaly('G', 'UNKNOWN_ORDER', detail('g2'), T0 + 10_000)]);
    expect(await pending.get('G')).toBeNull();
    h.drain();
    // the order arriving after its fills were dropped starts from nothing
    const g = newOrder('G', 30, T0 + 72_000);
    await h.order(g);
    expect(h.drain()).toEqual({ states: [rec('G', state(g, { filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 + 72_000 }))], filled: [], anomalies: [] });
  });

  it('the grace period is an option', async () => {
    harness({ unknownOrderGraceMs: 5_000, unknownOrderCheckIntervalMs: 500 });
    await h.fill(fill('g1', 'G', 10, 5, T0));
    await h.order(newOrder('X', 10, T0 + 4_000));
    expect(h.anomalies()).toEqual([]);
    await h.order(newOrder('Y', 10, T0 + 5_500));
    expect(h.anomalies()).toEqual([anomaly('G', 'UNKNOWN_ORDER', 'fill g1 was held 5000 ms of stream time and order G never arrived; dropped', T0)]);
  });

  it('filled > quantity is OVERFILLED with an OVERFILL anomaly per overfilling fill, and never appears on orders-filled', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 80, 10, T0 + 100));
    h.drain();
    await h.fill(fill('f2', 'A', 30, 10, T0 + 200));
    expect(h.drain()).toEqual({
      states: [rec('A', state(a, { filledQuantity: 110, averagePrice: 10, status: 'OVERFILLED', fillCount: 2, lastEventTime: T0 + 200 }))],
      filled: [],
      anomalies: [anomaly('A', 'OVERFILL', 'fill f2 brings the filled quantity to 110 of 100', T0 + 200)],
    });
    await h.fill(fill('f3', 'A', 10, 10, T0 + 300));
    expect(h.drain()).toEqual({
      states: [rec('A', state(a, { filledQuantity: 120, averagePrice: 10, status: 'OVERFILLED', fillCount: 3, lastEventTime: T0 + 300 }))],
      filled: [],
      anomalies: [anomaly('A', 'OVERFILL', 'fill f3 brings the filled quantity to 120 of 100', T0 + 300)],
    });
  });

  it('a REPLACE changes the quantity; below the filled quantity it overfills the order', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.order(replace(a, 50, T0 + 50));
    await h.fill(fill('f1', 'A', 50, 10, T0 + 100));
    const filled = state(a, { quantity: 50, filledQuantity: 50, averagePrice: 10, status: 'FILLED', fillCount: 1, lastEventTime: T0 + 100 });
    expect(h.drain()).toEqual({
      states: [
        rec('A', state(a, { filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 })),
        rec('A', state(a, { quantity: 50, filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 + 50 })),
        rec('A', filled),
      ],
      filled: [rec('A', filled)],
      anomalies: [],
    });
    const b = newOrder('B', 100, T0);
    await h.order(b);
    await h.fill(fill('g1', 'B', 60, 10, T0 + 100));
    h.drain();
    await h.order(replace(b, 50, T0 + 300));
    expect(h.drain()).toEqual({
      states: [rec('B', state(b, { quantity: 50, filledQuantity: 60, averagePrice: 10, status: 'OVERFILLED', fillCount: 1, lastEventTime: T0 + 300 }))],
      filled: [],
      anomalies: [anomaly('B', 'OVERFILL', 'REPLACE to quantity 50 is below the filled quantity 60', T0 + 300)],
    });
  });

  it('cancels racing fills: a fill executed before the cancel still applies, one after it is FILL_AFTER_CANCEL', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 30, 10, T0 + 100));
    h.drain();
    await h.order(cancel(a, T0 + 500));
    expect(h.drain()).toEqual({ states: [rec('A', state(a, { filledQuantity: 30, averagePrice: 10, status: 'CANCELED', fillCount: 1, lastEventTime: T0 + 500 }))], filled: [], anomalies: [] });
    await h.fill(fill('f2', 'A', 40, 12, T0 + 300)); // executed before the cancel, delivered after it
    expect(h.drain()).toEqual({
      states: [rec('A', state(a, { filledQuantity: 70, averagePrice: (30 * 10 + 40 * 12) / 70, status: 'CANCELED', fillCount: 2, lastEventTime: T0 + 500 }))],
      filled: [],
      anomalies: [],
    });
    await h.fill(fill('f3', 'A', 10, 10, T0 + 600));
    await h.fill(fill('f4', 'A', 10, 10, T0 + 500)); // at the cancel's time: not before it
    expect(h.drain()).toEqual({
      states: [],
      filled: [],
      anomalies: [
        anomaly('A', 'FILL_AFTER_CANCEL', `fill f3 at ${T0 + 600} is not before the cancel at ${T0 + 500}; not applied`, T0 + 600),
        anomaly('A', 'FILL_AFTER_CANCEL', `fill f4 at ${T0 + 500} is not before the cancel at ${T0 + 500}; not applied`, T0 + 500),
      ],
    });
    await h.order(cancel(a, T0 + 900)); // a re-delivered cancel changes nothing
    expect(h.drain()).toEqual({ states: [], filled: [], anomalies: [] });
  });

  it('a late fill that completes a CANCELED order makes it FILLED and the cancel LATE_CANCEL, as in the other arrival order', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 30, 10, T0 + 100));
    await h.order(cancel(a, T0 + 500));
    h.drain();
    await h.fill(fill('f2', 'A', 70, 10, T0 + 300));
    const filled = state(a, { filledQuantity: 100, averagePrice: 10, status: 'FILLED', fillCount: 2, lastEventTime: T0 + 500 });
    expect(h.drain()).toEqual({
      states: [rec('A', filled)],
      filled: [rec('A', filled)],
      anomalies: [anomaly('A', 'LATE_CANCEL', `CANCEL at ${T0 + 500} for an order already FILLED by fills before it; ignored`, T0 + 500)],
    });
    // the cancel no longer holds: a later fill overfills the order
    await h.fill(fill('f3', 'A', 10, 10, T0 + 700));
    expect(h.drain().anomalies).toEqual([anomaly('A', 'OVERFILL', 'fill f3 brings the filled quantity to 110 of 100', T0 + 700)]);
  });

  it('a CANCEL on a FILLED (or OVERFILLED) order is ignored and reported as LATE_CANCEL', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 100, 10, T0 + 100));
    h.drain();
    await h.order(cancel(a, T0 + 1_000));
    expect(h.drain()).toEqual({ states: [], filled: [], anomalies: [anomaly('A', 'LATE_CANCEL', `CANCEL at ${T0 + 1_000} for an order already FILLED; ignored`, T0 + 1_000)] });
    await h.fill(fill('f2', 'A', 10, 10, T0 + 1_100));
    h.drain();
    await h.order(cancel(a, T0 + 2_000));
    expect(h.anomalies()).toEqual([anomaly('A', 'LATE_CANCEL', `CANCEL at ${T0 + 2_000} for an order already OVERFILLED; ignored`, T0 + 2_000)]);
  });

  it('orders-filled has exactly one record per order, ever', async () => {
    harness();
    const a = newOrder('A', 100, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 100, 10, T0 + 100));
    const first = state(a, { filledQuantity: 100, averagePrice: 10, status: 'FILLED', fillCount: 1, lastEventTime: T0 + 100 });
    expect(h.drain()).toEqual({
      states: [rec('A', state(a, { filledQuantity: 0, averagePrice: null, status: 'NEW', fillCount: 0, lastEventTime: T0 })), rec('A', first)],
      filled: [rec('A', first)],
      anomalies: [],
    });
    await h.order(replace(a, 150, T0 + 200)); // back to PARTIALLY_FILLED...
    await h.fill(fill('f2', 'A', 50, 10, T0 + 300)); // ...and FILLED again
    await h.fill(fill('f1', 'A', 100, 10, T0 + 100)); // a duplicate
    await h.order(newOrder('A', 100, T0)); // a re-delivered NEW changes nothing
    expect(h.drain()).toEqual({
      states: [
        rec('A', state(a, { quantity: 150, filledQuantity: 100, averagePrice: 10, status: 'PARTIALLY_FILLED', fillCount: 1, lastEventTime: T0 + 200 })),
        rec('A', state(a, { quantity: 150, filledQuantity: 150, averagePrice: 10, status: 'FILLED', fillCount: 2, lastEventTime: T0 + 300 })),
      ],
      filled: [],
      anomalies: [anomaly('A', 'DUPLICATE_FILL', 'fill f1 was already applied', T0 + 100)],
    });
  });

  it('a REPLACE or CANCEL of an order that has not arrived is reported as UNKNOWN_ORDER at once', async () => {
    harness();
    const q = newOrder('Q', 100, T0);
    await h.order(replace(q, 50, T0 + 10));
    await h.order(cancel(q, T0 + 20));
    expect(h.drain()).toEqual({
      states: [],
      filled: [],
      anomalies: [
        anomaly('Q', 'UNKNOWN_ORDER', 'REPLACE for order Q, which has not arrived', T0 + 10),
        anomaly('Q', 'UNKNOWN_ORDER', 'CANCEL for order Q, which has not arrived', T0 + 20),
      ],
    });
  });

  it('renames its topics and keeps its state in the named stores', async () => {
    harness({ ordersTopic: 'o', fillsTopic: 'f', orderStateTopic: 's', ordersFilledTopic: 'done', anomaliesTopic: 'bad' });
    const a = newOrder('A', 10, T0);
    await h.order(a);
    await h.fill(fill('f1', 'A', 10, 10, T0 + 1));
    expect(h.filled()).toHaveLength(1);
    expect(h.driver.producedTopicNames()).toEqual(new Set(['s', 'done', 'order-fill-test-order-fill-state-changelog']));
    const states = await h.driver.getKeyValueStore<string, { status: string }>(ORDER_FILL_DEFAULTS.stateStore);
    expect((await states!.get('A'))?.status).toBe('FILLED');
  });
});

describe('order-fill over generated sample data', () => {
  async function run(seed: number, count: number) {
    const h = new OrderFillHarness({ storeType: 'in-memory' });
    try {
      for (const r of await TOPOLOGIES['order-fill']!.sample({ count, seed })) {
        if (r.topic === 'orders') await h.orders.pipeInput(r.key!, r.value as never, r.timestamp);
        else await h.fills.pipeInput(r.key!, r.value as never, r.timestamp);
      }
      return h.drain();
    } finally {
      await h.close();
    }
  }

  it('the same input sequence always gives the same outputs', async () => {
    expect(await run(7, 40)).toEqual(await run(7, 40));
  });

  it('covers every anomaly kind; record timestamps are event times; one orders-filled per order', async () => {
    const out = await run(7, 60);
    expect(new Set(out.anomalies.map((a) => a.value.kind))).toEqual(new Set(['DUPLICATE_FILL', 'OVERFILL', 'FILL_AFTER_CANCEL', 'LATE_CANCEL', 'UNKNOWN_ORDER']));
    expect(new Set(out.states.map((s) => s.value.status))).toEqual(new Set(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'OVERFILLED']));
    for (const s of [...out.states, ...out.filled]) expect(s.timestamp).toBe(s.value.lastEventTime);
    for (const a of out.anomalies) expect(a.timestamp).toBe(a.value.eventTime);
    const filledKeys = out.filled.map((f) => f.key);
    expect(new Set(filledKeys).size).toBe(filledKeys.length);
    // every order that was ever FILLED is on orders-filled, with the first FILLED state
    const firstFilled = new Map<string, OrderState>();
    for (const s of out.states) if (s.value.status === 'FILLED' && !firstFilled.has(s.key)) firstFilled.set(s.key, s.value);
    expect(new Map(out.filled.map((f) => [f.key, f.value]))).toEqual(firstFilled);
  });
});
