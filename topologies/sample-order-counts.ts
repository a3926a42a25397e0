import { Consumed, Grouped, Materialized, Produced, Serdes, type StreamsBuilder } from '../src/index.js';

/** An order event as DOMAIN.md's `orders` topic carries it (the fields this sample needs). */
export interface OrderEvent {
  orderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  eventType: 'NEW' | 'REPLACE' | 'CANCEL';
  eventTime: number;
}

export interface SampleOrderCountsOptions {
  ordersTopic?: string;
  outputTopic?: string;
  storeName?: string;
}

export const SAMPLE_DEFAULTS = {
  ordersTopic: 'orders',
  outputTopic: 'new-orders-per-symbol',
  storeName: 'new-orders-per-symbol',
} as const;

/**
 * The embedded demo: counts NEW orders per symbol. Orders are keyed by order id, so counting per symbol
 * re-keys them (groupBy) and goes through a repartition topic, as in Kafka Streams.
 */
export function addSampleOrderCounts(builder: StreamsBuilder, options: SampleOrderCountsOptions = {}): void {
  const o = { ...SAMPLE_DEFAULTS, ...options };
  builder
    .stream<string, OrderEvent>(o.ordersTopic, Consumed.with(Serdes.String(), Serdes.Json<OrderEvent>()))
    .filter((_id, order) => order !== null && order.eventType === 'NEW')
    .groupBy((_id, order) => order.symbol, Grouped.with('by-symbol', Serdes.String(), Serdes.Json<OrderEvent>()))
    .count(Materialized.as(o.storeName))
    .toStream()
    .to(o.outputTopic, Produced.with(Serdes.String(), Serdes.Long()));
}
