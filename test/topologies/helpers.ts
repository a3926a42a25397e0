/** Builders of the domain records, and a driver harness for the order topologies. */
import { Serdes, StreamsBuilder } from '../../src/index.js';
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '../../test-driver/index.js';
import { addOrderFill, type OrderFillOptions } from '../../topologies/order-fill.js';
import { addOrderHierarchy, type OrderHierarchyOptions } from '../../topologies/order-hierarchy.js';
import type { Fill, OrderAnomaly, OrderEvent, OrderState, ParentOrderState } from '../../topologies/records.js';

export const T0 = 1_700_000_000_000;

export function newOrder(orderId: string, quantity: number, t: number, extra: Partial<OrderEvent> = {}): OrderEvent {
  return { orderId, parentOrderId: null, account: 'ACC-1', symbol: 'AAPL', side: 'BUY', quantity, limitPrice: 190, eventType: 'NEW', eventTime: t, ...extra };
}

export function replace(o: OrderEvent, quantity: number, t: number): OrderEvent {
  return { ...o, eventType: 'REPLACE', quantity, eventTime: t };
}

export function cancel(o: OrderEvent, t: number): OrderEvent {
  return { ...o, eventType: 'CANCEL', eventTime: t };
}

export function fill(fillId: string, orderId: string, quantity: number, price: number, t: number): Fill {
  return { fillId, orderId, quantity, price, eventTime: t };
}

/** The order-state of `o` with the given progress. */
export function state(o: OrderEvent, s: Pick<OrderState, 'filledQuantity' | 'averagePrice' | 'status' | 'fillCount' | 'lastEventTime'> & { quantity?: number }): OrderState {
  return {
    orderId: o.orderId,
    parentOrderId: o.parentOrderId,
    account: o.account,
    symbol: o.symbol,
    side: o.side,
    quantity: s.quantity ?? o.quantity,
    filledQuantity: s.filledQuantity,
    averagePrice: s.averagePrice,
    status: s.status,
    fillCount: s.fillCount,
    lastEventTime: s.lastEventTime,
  };
}

export interface Out<V> {
  key: string;
  value: V;
  timestamp: number;
}

function read<V>(topic: TestOutputTopic<string, V>): Out<V>[] {
  return topic.readRecordsToList().map((r) => ({ key: r.key as string, value: r.value as V, timestamp: r.timestamp as number }));
}

/** order-fill on the TopologyTestDriver. */
export class OrderFillHarness {
  readonly driver: TopologyTestDriver;
  readonly orders: TestInputTopic<string, OrderEvent>;
  readonly fills: TestInputTopic<string, Fill>;
  private readonly stateOut: TestOutputTopic<string, OrderState>;
  private readonly filledOut: TestOutputTopic<string, OrderState>;
  private readonly anomaliesOut: TestOutputTopic<string, OrderAnomaly>;

  constructor(options: OrderFillOptions = {}) {
    const b = new StreamsBuilder();
    addOrderFill(b, options);
    this.driver = new TopologyTestDriver(b.build(), { 'application.id': 'order-fill-test' }, 0);
    const S = Serdes.String();
    this.orders = this.driver.createInputTopic(options.ordersTopic ?? 'orders', S, Serdes.Json<OrderEvent>());
    this.fills = this.driver.createInputTopic(options.fillsTopic ?? 'fills', S, Serdes.Json<Fill>());
    this.stateOut = this.driver.createOutputTopic(options.orderStateTopic ?? 'order-state', S, Serdes.Json<OrderState>());
    this.filledOut = this.driver.createOutputTopic(options.ordersFilledTopic ?? 'orders-filled', S, Serdes.Json<OrderState>());
    this.anomaliesOut = this.driver.createOutputTopic(options.anomaliesTopic ?? 'order-anomalies', S, Serdes.Json<OrderAnomaly>());
  }

  order(o: OrderEvent): Promise<void> {
    return this.orders.pipeInput(o.orderId, o, o.eventTime);
  }

  fill(f: Fill): Promise<void> {
    return this.fills.pipeInput(f.orderId, f, f.eventTime);
  }

  states(): Out<OrderState>[] {
    return read(this.stateOut);
  }

  filled(): Out<OrderState>[] {
    return read(this.filledOut);
  }

  anomalies(): Out<OrderAnomaly>[] {
    return read(this.anomaliesOut);
  }

  /** Everything not read yet, per output topic. */
  drain(): { states: Out<OrderState>[]; filled: Out<OrderState>[]; anomalies: Out<OrderAnomaly>[] } {
    return { states: this.states(), filled: this.filled(), anomalies: this.anomalies() };
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** order-hierarchy on the TopologyTestDriver, fed with order-state records. */
export class OrderHierarchyHarness {
  readonly driver: TopologyTestDriver;
  readonly input: TestInputTopic<string, OrderState>;
  private readonly rows: TestOutputTopic<string, ParentOrderState>;
  private readonly filledRows: TestOutputTopic<string, ParentOrderState>;

  constructor(options: OrderHierarchyOptions = {}) {
    const b = new StreamsBuilder();
    addOrderHierarchy(b, options);
    this.driver = new TopologyTestDriver(b.build(), { 'application.id': 'order-hierarchy-test' }, 0);
    const S = Serdes.String();
    this.input = this.driver.createInputTopic(options.orderStateTopic ?? 'order-state', S, Serdes.Json<OrderState>());
    this.rows = this.driver.createOutputTopic(options.parentOrderStateTopic ?? 'parent-order-state', S, Serdes.Json<ParentOrderState>());
    this.filledRows = this.driver.createOutputTopic(options.parentOrdersFilledTopic ?? 'parent-orders-filled', S, Serdes.Json<ParentOrderState>());
  }

  pipe(s: OrderState): Promise<void> {
    return this.input.pipeInput(s.orderId, s, s.lastEventTime);
  }

  parents(): Out<ParentOrderState>[] {
    return read(this.rows);
  }

  filled(): Out<ParentOrderState>[] {
    return read(this.filledRows);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** An output record (key, value, timestamp = the value's event time). */
export function rec<V extends { lastEventTime: number } | { eventTime: number }>(key: string, value: V): Out<V> {
  return { key, value, timestamp: 'lastEventTime' in value ? value.lastEventTime : value.eventTime };
}
