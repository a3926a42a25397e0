/**
 * In-memory driver throughput of a reference topology with OUR TopologyTestDriver, on the synthetic
 * workload that DriverRunner.java's `mode=throughput` pipes through Java's (the two `synthetic` functions
 * must stay the same): records/s, reading outputs every 1,000 records.
 *
 *   stateless, count, hopping-count: `input`, key `key-<i % keys>`, value `value-<i>`, timestamp i
 *   stream-*-join: alternating left/right pairs p = i/2 one ms apart, key `key-<p % keys>`; every 10th
 *                  right record gets key `<key>-other` (no partner)
 *   order-fill:    per order o = i/5: a NEW of 100, then four fills of 25 (prices 11..14) that fill it
 */
import { Serdes, type Serde } from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import type { OrderEvent, Fill } from '../../topologies/records.js';
import { drain } from '../driver-throughput.js';
import { driverConfig, valueSerde, type StoreType } from './runner.js';
import { buildReferenceTopology, inputTopics, outputTopics, valueFormat, type ReferenceTopology } from './topologies.js';

export interface SyntheticRecord {
  topic: string;
  key: string;
  value: string | OrderEvent | Fill;
  timestamp: number;
}

/** The i-th synthetic record (DriverRunner.synthetic in Java). */
export function synthetic(topology: ReferenceTopology, i: number, keys: number): SyntheticRecord {
  switch (topology) {
    case 'stream-join':
    case 'stream-left-join':
    case 'stream-outer-join': {
      const p = i >> 1;
      const key = `key-${p % keys}`;
      if (i % 2 === 0) return { topic: 'left', key, value: `l-${p}`, timestamp: p };
      return { topic: 'right', key: p % 10 === 9 ? `${key}-other` : key, value: `r-${p}`, timestamp: p };
    }
    case 'order-fill': {
      const o = Math.floor(i / 5);
      const slot = i % 5;
      const orderId = `order-${o}`;
      if (slot === 0) {
        const order: OrderEvent = {
          orderId,
          parentOrderId: null,
          account: `acct-${o % keys}`,
          symbol: 'SYM',
          side: o % 2 === 0 ? 'BUY' : 'SELL',
          quantity: 100,
          limitPrice: 10,
          eventType: 'NEW',
          eventTime: i,
        };
        return { topic: 'orders', key: orderId, value: order, timestamp: i };
      }
      const fill: Fill = { fillId: `fill-${o}-${slot}`, orderId, quantity: 25, price: 10 + slot, eventTime: i };
      return { topic: 'fills', key: orderId, value: fill, timestamp: i };
    }
    default:
      return { topic: 'input', key: `key-${i % keys}`, value: `value-${i}`, timestamp: i };
  }
}

export interface ThroughputResult {
  topology: ReferenceTopology;
  store: StoreType;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  outputRecords: number;
}

/** Pipes `records` synthetic records through our driver (after `warmup` records through another one). */
export async function runThroughput(topology: ReferenceTopology, records: number, keys = 1_000, store: StoreType = 'in_memory', warmup = 0): Promise<ThroughputResult> {
  if (warmup > 0) await pipeSynthetic(topology, warmup, keys, store);
  const start = process.hrtime.bigint();
  const outputRecords = await pipeSynthetic(topology, records, keys, store);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { topology, store, records, seconds, recordsPerSecond: records / seconds, outputRecords };
}

async function pipeSynthetic(topology: ReferenceTopology, n: number, keys: number, store: StoreType): Promise<number> {
  const config = { ...driverConfig(store), 'statestore.cache.max.bytes': 10 * 1024 * 1024 };
  const driver = new TopologyTestDriver(buildReferenceTopology(topology, config), config, 0);
  const S = Serdes.String();
  const inputs = new Map(inputTopics(topology).map((t) => [t, driver.createInputTopic(t, S, valueSerde(valueFormat(topology, t)) as Serde<SyntheticRecord['value']>, 0)]));
  const outputs = outputTopics(topology);
  const queued = () => outputs.reduce((n, t) => n + driver.queueSize(t), 0);
  let produced = 0;
  try {
    for (let i = 0; i < n; i++) {
      const r = synthetic(topology, i, keys);
      await inputs.get(r.topic)!.pipeInput(r.key, r.value, r.timestamp);
      if (i % 1_000 === 999) produced += drain(driver, { getQueueSize: queued });
    }
    return produced + drain(driver, { getQueueSize: queued });
  } finally {
    await driver.close();
  }
}
