import { afterEach, describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder } from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { TOPOLOGIES } from '../../topologies/index.js';
import { addOrderFill } from '../../topologies/order-fill.js';
import { addOrderHierarchy } from '../../topologies/order-hierarchy.js';
import type { OrderState, ParentOrderState } from '../../topologies/records.js';
import { OrderHierarchyHarness, T0, rec } from './helpers.js';

/** An order-state record. */
function os(orderId: string, parentOrderId: string | null, quantity: number, filledQuantity: number, status: OrderState['status'], lastEventTime: number): OrderState {
  return {
    orderId,
    parentOrderId,
    account: 'ACC-1',
    symbol: 'AAPL',
    side: 'BUY',
    quantity,
    filledQuantity,
    averagePrice: filledQuantity > 0 ? 190 : null,
    status,
    fillCount: filledQuantity > 0 ? 1 : 0,
    lastEventTime,
  };
}

function row(parentOrderId: string, quantity: number, filledQuantity: number, childCount: number, openChildCount: number, status: ParentOrderState['status'], lastEventTime: number) {
  return rec(parentOrderId, { parentOrderId, quantity, filledQuantity, childCount, openChildCount, status, lastEventTime });
}

describe.each(['persistent', 'in-memory'] as const)('order-hierarchy (DOMAIN.md §2) with %s stores', (storeType) => {
  let h: OrderHierarchyHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('rolls children up into their parent row; one parent-orders-filled when filledQuantity == quantity > 0', async () => {
    h = new OrderHierarchyHarness({ storeType });
    await h.pipe(os('P', null, 100, 0, 'NEW', T0));
    await h.pipe(os('C1', 'P', 60, 0, 'NEW', T0 + 10));
    await h.pipe(os('C2', 'P', 40, 0, 'NEW', T0 + 20));
    await h.pipe(os('C1', 'P', 60, 60, 'FILLED', T0 + 100));
    await h.pipe(os('C2', 'P', 40, 20, 'PARTIALLY_FILLED', T0 + 110));
    await h.pipe(os('C2', 'P', 40, 40, 'FILLED', T0 + 120));
    const done = row('P', 100, 100, 2, 0, 'FILLED', T0 + 120);
    expect(h.parents()).toEqual([
      row('P', 100, 0, 0, 0, 'NEW', T0),
      row('P', 100, 0, 1, 1, 'NEW', T0 + 10),
      row('P', 100, 0, 2, 2, 'NEW', T0 + 20),
      row('P', 100, 60, 2, 1, 'PARTIALLY_FILLED', T0 + 100),
      row('P', 100, 80, 2, 1, 'PARTIALLY_FILLED', T0 + 110),
      done,
    ]);
    expect(h.filled()).toEqual([done]);
  });

  it('children may arrive before their parent: the row appears at once, with quantity 0 and status NEW until the parent arrives', async () => {
    h = new OrderHierarchyHarness({ storeType });
    await h.pipe(os('C1', 'P', 60, 30, 'PARTIALLY_FILLED', T0 + 100));
    await h.pipe(os('C1', 'P', 60, 60, 'FILLED', T0 + 150));
    await h.pipe(os('P', null, 100, 0, 'NEW', T0));
    await h.pipe(os('C2', 'P', 40, 40, 'FILLED', T0 + 200));
    const done = row('P', 100, 100, 2, 0, 'FILLED', T0 + 200);
    expect(h.parents()).toEqual([
      row('P', 0, 30, 1, 1, 'NEW', T0 + 100),
      row('P', 0, 60, 1, 0, 'NEW', T0 + 150),
      row('P', 100, 60, 1, 0, 'PARTIALLY_FILLED', T0 + 150),
      done,
    ]);
    expect(h.filled()).toEqual([done]);
  });

  it('a child moving between states is counted once: its old state is subtracted, its new one added', async () => {
    h = new OrderHierarchyHarness({ storeType });
    await h.pipe(os('P', null, 100, 0, 'NEW', T0));
    await h.pipe(os('C1', 'P', 100, 0, 'NEW', T0 + 10));
    await h.pipe(os('C1', 'P', 100, 30, 'PARTIALLY_FILLED', T0 + 20));
    await h.pipe(os('C1', 'P', 100, 50, 'PARTIALLY_FILLED', T0 + 30));
    await h.pipe(os('C1', 'P', 100, 50, 'CANCELED', T0 + 40));
    expect(h.parents()).toEqual([
      row('P', 100, 0, 0, 0, 'NEW', T0),
      row('P', 100, 0, 1, 1, 'NEW', T0 + 10),
      row('P', 100, 30, 1, 1, 'PARTIALLY_FILLED', T0 + 20),
      row('P', 100, 50, 1, 1, 'PARTIALLY_FILLED', T0 + 30),
      row('P', 100, 50, 1, 0, 'PARTIALLY_FILLED', T0 + 40),
    ]);
    expect(h.filled()).toEqual([]);
  });

  it('parent-orders-filled has exactly one record per parent, even when the parent later fills again', async () => {
    h = new OrderHierarchyHarness({ storeType });
    await h.pipe(os('P', null, 100, 0, 'NEW', T0));
    await h.pipe(os('C1', 'P', 100, 100, 'FILLED', T0 + 10));
    await h.pipe(os('C1', 'P', 100, 110, 'OVERFILLED', T0 + 20));
    await h.pipe(os('P', null, 110, 0, 'NEW', T0 + 30)); // the parent is replaced up to 110
    expect(h.parents()).toEqual([
      row('P', 100, 0, 0, 0, 'NEW', T0),
      row('P', 100, 100, 1, 0, 'FILLED', T0 + 10),
      row('P', 100, 110, 1, 0, 'OVERFILLED', T0 + 20),
      row('P', 110, 110, 1, 0, 'FILLED', T0 + 30),
    ]);
    expect(h.filled()).toEqual([row('P', 100, 100, 1, 0, 'FILLED', T0 + 10)]);
  });

  it('an order without children has a row of its own quantity', async () => {
    h = new OrderHierarchyHarness({ storeType });
    await h.pipe(os('S', null, 50, 0, 'NEW', T0));
    await h.pipe(os('S', null, 50, 50, 'FILLED', T0 + 5));
    expect(h.parents()).toEqual([row('S', 50, 0, 0, 0, 'NEW', T0), row('S', 50, 0, 0, 0, 'NEW', T0 + 5)]);
    expect(h.filled()).toEqual([]);
  });
});

describe('order-fill and order-hierarchy together over generated sample data', () => {
  it("each parent's last row sums its children's last states; parents fill at most once", async () => {
    const b = new StreamsBuilder();
    addOrderFill(b, { storeType: 'in-memory' });
    addOrderHierarchy(b, { storeType: 'in-memory' });
    const driver = new TopologyTestDriver(b.build(), { 'application.id': 'pipeline' }, 0);
    try {
      const S = Serdes.String();
      const inputs = { orders: driver.createInputTopic('orders', S, Serdes.Json<unknown>()), fills: driver.createInputTopic('fills', S, Serdes.Json<unknown>()) };
      for (const r of await TOPOLOGIES['order-fill']!.sample({ count: 60, seed: 3 })) await inputs[r.topic as 'orders' | 'fills'].pipeInput(r.key!, r.value, r.timestamp);
      const states = driver.createOutputTopic('order-state', S, Serdes.Json<OrderState>()).readKeyValuesToMap();
      const parents = driver.createOutputTopic('parent-order-state', S, Serdes.Json<ParentOrderState>()).readKeyValuesToMap();
      const filled = driver.createOutputTopic('parent-orders-filled', S, Serdes.Json<ParentOrderState>()).readKeyValuesToList();
      const children = [...states.values()].filter((s) => s.parentOrderId !== null);
      expect(children.length).toBeGreaterThan(5);
      for (const [id, p] of parents) {
        const mine = children.filter((c) => c.parentOrderId === id);
        expect(p.childCount).toBe(mine.length);
        expect(p.filledQuantity).toBe(mine.reduce((s, c) => s + c.filledQuantity, 0));
        expect(p.openChildCount).toBe(mine.filter((c) => c.status === 'NEW' || c.status === 'PARTIALLY_FILLED').length);
        expect(p.quantity).toBe(states.get(id)?.quantity ?? 0);
      }
      expect(new Set(filled.map((f) => f.key)).size).toBe(filled.length);
      expect(filled.length).toBeGreaterThan(0);
      for (const f of filled) expect(f.value.filledQuantity).toBe(f.value.quantity);
    } finally {
      await driver.close();
    }
  });
});
