/**
 * The registry of runnable topologies: what the CLI (`kstreams run|describe|produce|topics <name>`) and the
 * tests look topologies up in. Each entry knows its contract topics (default names, direction, Avro
 * schema), its stores, how to add itself to a `StreamsBuilder`, and how to make sample input for itself.
 */
import { Serdes, StreamsBuilder, type Serde } from '../src/index.js';
import { TopologyTestDriver } from '../test-driver/index.js';
import { ORDER_FILL_DEFAULTS, addOrderFill, type OrderFillOptions } from './order-fill.js';
import { ORDER_HIERARCHY_DEFAULTS, addOrderHierarchy, type OrderHierarchyOptions } from './order-hierarchy.js';
import { ORDER_SAGA_DEFAULTS, addOrderSaga, sagaSharedStoreName, type OrderSagaOptions } from './order-saga.js';
import type { OrderState } from './records.js';
import { generateOrderFlow, generateSagaAnswers, type SampleRecord } from './sample-data.js';
import { SAMPLE_DEFAULTS, addSampleOrderCounts } from './sample-order-counts.js';
import { jsonValueSerdes, type SchemaName, type ValueSerdeFactory } from './serdes.js';

export type { SampleRecord } from './sample-data.js';
export type { SchemaName, ValueSerdeFactory } from './serdes.js';

/** One contract topic of a topology. */
export interface TopicSpec {
  /** The default name; `topics: { <default>: <actual> }` (CLI: `--topic <default>=<actual>`) renames it. */
  readonly name: string;
  readonly direction: 'input' | 'output';
  /** The Avro schema of its values (`schemas/<schema>.avsc`), or null when they are not records. */
  readonly schema: SchemaName | null;
  /** The value serde when `schema` is null. */
  readonly valueSerde?: () => Serde<unknown>;
  readonly description: string;
}

/** How to instantiate a topology. */
export interface TopologyConfig {
  /** Topic names by default name (unlisted topics keep their default name). */
  readonly topics?: Readonly<Record<string, string>>;
  /** Value serdes of the contract topics: JSON by default, Avro with a schema registry (src/serde/avro-serdes.ts). */
  readonly valueSerdes?: ValueSerdeFactory;
  /** The module's own options (grace periods, store type…), by name; unknown names are rejected. */
  readonly options?: Readonly<Record<string, string | number>>;
}

export interface SampleConfig {
  readonly count: number;
  readonly seed: number;
  readonly topics?: Readonly<Record<string, string>>;
}

/** A runnable topology. */
export interface TopologyModule {
  readonly description: string;
  readonly topics: readonly TopicSpec[];
  /** The names of its state stores (defaults). */
  readonly stores: readonly string[];
  /** Its tunable options with their defaults (numbers or strings). */
  readonly options: Readonly<Record<string, string | number>>;
  add(builder: StreamsBuilder, config?: TopologyConfig): void;
  /** Seeded sample input for its input topics, in arrival order. */
  sample(config: SampleConfig): Promise<SampleRecord[]>;
}

/** The actual name of a topic under a config. */
export function topicName(config: { topics?: Readonly<Record<string, string>> } | undefined, name: string): string {
  return config?.topics?.[name] ?? name;
}

function checkedOptions(module: string, known: Readonly<Record<string, string | number>>, given: TopologyConfig['options']): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!(k in known)) throw new Error(`unknown option "${k}" for ${module}; its options are: ${Object.keys(known).join(', ') || '(none)'}`);
    const dflt = known[k];
    if (typeof dflt === 'number') {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) throw new Error(`option "${k}" of ${module} must be a number (got "${v}")`);
      out[k] = n;
    } else out[k] = String(v);
  }
  return out;
}

const orderFillOptions = {
  unknownOrderGraceMs: ORDER_FILL_DEFAULTS.unknownOrderGraceMs,
  unknownOrderCheckIntervalMs: ORDER_FILL_DEFAULTS.unknownOrderCheckIntervalMs,
  storeType: ORDER_FILL_DEFAULTS.storeType,
};

const orderHierarchyOptions = { storeType: ORDER_HIERARCHY_DEFAULTS.storeType };

const orderFill: TopologyModule = {
  description: 'Order fills (DOMAIN.md §1): order state from orders and fills, with duplicates, fills before orders, overfills, cancels racing fills, late cancels and unknown orders.',
  topics: [
    { name: ORDER_FILL_DEFAULTS.ordersTopic, direction: 'input', schema: 'order-event', description: 'order events (NEW, REPLACE, CANCEL), key orderId' },
    { name: ORDER_FILL_DEFAULTS.fillsTopic, direction: 'input', schema: 'fill', description: 'execution reports, key orderId' },
    { name: ORDER_FILL_DEFAULTS.orderStateTopic, direction: 'output', schema: 'order-state', description: 'the state of each order after every change' },
    { name: ORDER_FILL_DEFAULTS.ordersFilledTopic, direction: 'output', schema: 'order-state', description: 'each order once, when it first becomes FILLED' },
    { name: ORDER_FILL_DEFAULTS.anomaliesTopic, direction: 'output', schema: 'order-anomaly', description: 'duplicates, overfills, fills after cancels, late cancels, unknown orders' },
  ],
  stores: [ORDER_FILL_DEFAULTS.stateStore, ORDER_FILL_DEFAULTS.pendingStore],
  options: orderFillOptions,
  add(builder, config = {}) {
    const t = (n: string) => topicName(config, n);
    addOrderFill(builder, {
      ...(checkedOptions('order-fill', orderFillOptions, config.options) as OrderFillOptions),
      ordersTopic: t(ORDER_FILL_DEFAULTS.ordersTopic),
      fillsTopic: t(ORDER_FILL_DEFAULTS.fillsTopic),
      orderStateTopic: t(ORDER_FILL_DEFAULTS.orderStateTopic),
      ordersFilledTopic: t(ORDER_FILL_DEFAULTS.ordersFilledTopic),
      anomaliesTopic: t(ORDER_FILL_DEFAULTS.anomaliesTopic),
      valueSerdes: config.valueSerdes ?? jsonValueSerdes,
    });
  },
  async sample({ count, seed, topics }) {
    return generateOrderFlow({ count, seed, ordersTopic: topicName({ topics }, 'orders'), fillsTopic: topicName({ topics }, 'fills') });
  },
};

const orderHierarchy: TopologyModule = {
  description: 'Parent/child hierarchies (DOMAIN.md §2): rolls children\'s order-state up into parent rows; one parent-orders-filled per parent.',
  topics: [
    { name: ORDER_HIERARCHY_DEFAULTS.orderStateTopic, direction: 'input', schema: 'order-state', description: 'order states (the output of order-fill), key orderId' },
    { name: ORDER_HIERARCHY_DEFAULTS.parentOrderStateTopic, direction: 'output', schema: 'parent-order-state', description: 'the roll-up of each parent after every change' },
    { name: ORDER_HIERARCHY_DEFAULTS.parentOrdersFilledTopic, direction: 'output', schema: 'parent-order-state', description: 'each parent once, when its children first fill it' },
  ],
  stores: [ORDER_HIERARCHY_DEFAULTS.orderStateStore, ORDER_HIERARCHY_DEFAULTS.parentStateStore, ORDER_HIERARCHY_DEFAULTS.parentFilledStore],
  options: orderHierarchyOptions,
  add(builder, config = {}) {
    const t = (n: string) => topicName(config, n);
    addOrderHierarchy(builder, {
      ...(checkedOptions('order-hierarchy', orderHierarchyOptions, config.options) as OrderHierarchyOptions),
      orderStateTopic: t(ORDER_HIERARCHY_DEFAULTS.orderStateTopic),
      parentOrderStateTopic: t(ORDER_HIERARCHY_DEFAULTS.parentOrderStateTopic),
      parentOrdersFilledTopic: t(ORDER_HIERARCHY_DEFAULTS.parentOrdersFilledTopic),
      valueSerdes: config.valueSerdes ?? jsonValueSerdes,
    });
  },
  /** The `order-state` records that order-fill derives from sample orders and fills. */
  async sample({ count, seed, topics }) {
    return orderStatesOf(generateOrderFlow({ count, seed }), topicName({ topics }, ORDER_HIERARCHY_DEFAULTS.orderStateTopic));
  },
};

const orderSagaOptions = { joinWindowMs: ORDER_SAGA_DEFAULTS.joinWindowMs, graceMs: ORDER_SAGA_DEFAULTS.graceMs, storeType: ORDER_SAGA_DEFAULTS.storeType };

const orderSaga: TopologyModule = {
  description: 'Payment/stock saga (DOMAIN.md §3): joins payment and stock answers within a window; CONFIRMED, REJECTED, ROLLBACK, or TIMED_OUT once a partner never came; one decision per order.',
  topics: [
    { name: ORDER_SAGA_DEFAULTS.paymentTopic, direction: 'input', schema: 'saga-answer', description: 'payment answers (ACCEPT/REJECT), key orderId' },
    { name: ORDER_SAGA_DEFAULTS.stockTopic, direction: 'input', schema: 'saga-answer', description: 'stock answers (ACCEPT/REJECT), key orderId' },
    { name: ORDER_SAGA_DEFAULTS.decisionsTopic, direction: 'output', schema: 'order-decision', description: 'one decision per order' },
  ],
  stores: [ORDER_SAGA_DEFAULTS.viewStore, ORDER_SAGA_DEFAULTS.paymentStore, ORDER_SAGA_DEFAULTS.stockStore, sagaSharedStoreName()],
  options: orderSagaOptions,
  add(builder, config = {}) {
    const t = (n: string) => topicName(config, n);
    addOrderSaga(builder, {
      ...(checkedOptions('order-saga', orderSagaOptions, config.options) as OrderSagaOptions),
      paymentTopic: t(ORDER_SAGA_DEFAULTS.paymentTopic),
      stockTopic: t(ORDER_SAGA_DEFAULTS.stockTopic),
      decisionsTopic: t(ORDER_SAGA_DEFAULTS.decisionsTopic),
      valueSerdes: config.valueSerdes ?? jsonValueSerdes,
    });
  },
  async sample({ count, seed, topics }) {
    return generateSagaAnswers({
      count,
      seed,
      paymentTopic: topicName({ topics }, ORDER_SAGA_DEFAULTS.paymentTopic),
      stockTopic: topicName({ topics }, ORDER_SAGA_DEFAULTS.stockTopic),
    });
  },
};

const sampleOrderCounts: TopologyModule = {
  description: 'Counts NEW orders per symbol (re-keys by symbol through a repartition topic).',
  topics: [
    { name: SAMPLE_DEFAULTS.ordersTopic, direction: 'input', schema: 'order-event', description: 'order events, key orderId' },
    { name: SAMPLE_DEFAULTS.outputTopic, direction: 'output', schema: null, valueSerde: () => Serdes.Long() as Serde<unknown>, description: 'NEW orders per symbol (8-byte longs), key symbol' },
  ],
  stores: [SAMPLE_DEFAULTS.storeName],
  options: {},
  add(builder, config = {}) {
    checkedOptions('sample-order-counts', {}, config.options);
    addSampleOrderCounts(builder, { ordersTopic: topicName(config, SAMPLE_DEFAULTS.ordersTopic), outputTopic: topicName(config, SAMPLE_DEFAULTS.outputTopic) });
  },
  async sample({ count, seed, topics }) {
    const orders = topicName({ topics }, 'orders');
    return generateOrderFlow({ count, seed, ordersTopic: orders }).filter((r) => r.topic === orders);
  },
};

/** The registry the CLI runs topologies from. */
export const TOPOLOGIES: Readonly<Record<string, TopologyModule>> = {
  'order-fill': orderFill,
  'order-hierarchy': orderHierarchy,
  'order-saga': orderSaga,
  'sample-order-counts': sampleOrderCounts,
};

/** Runs order-fill on the in-process engine over `records` and returns its `order-state` output. */
export async function orderStatesOf(records: readonly SampleRecord[], outputTopic = 'order-state'): Promise<SampleRecord[]> {
  const builder = new StreamsBuilder();
  addOrderFill(builder, { storeType: 'in-memory' });
  const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'kstreams-sample' }, 0);
  try {
    const S = Serdes.String();
    const inputs = new Map([
      ['orders', driver.createInputTopic('orders', S, Serdes.Json<unknown>())],
      ['fills', driver.createInputTopic('fills', S, Serdes.Json<unknown>())],
    ]);
    for (const r of records) await inputs.get(r.topic)!.pipeInput(r.key as string, r.value, r.timestamp);
    return driver
      .createOutputTopic('order-state', S, Serdes.Json<OrderState>())
      .readRecordsToList()
      .map((r) => ({ topic: outputTopic, key: r.key, value: r.value, timestamp: r.timestamp ?? 0 }));
  } finally {
    await driver.close();
  }
}
