import { Serdes, StreamsBuilder } from '../index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { SAMPLE_DEFAULTS, addSampleOrderCounts, sampleOrders, type OrderEvent } from '../../topologies/sample-order-counts.js';

/**
 * The embedded default job: runs the sample topology in the in-process engine (the test driver's), pipes
 * the sample orders in, and prints the topology and every output record.
 */
export async function runDemo(print: (line: string) => void): Promise<void> {
  const builder = new StreamsBuilder();
  addSampleOrderCounts(builder);
  const topology = builder.build();
  print(topology.describe().toString());
  const driver = new TopologyTestDriver(topology, { 'application.id': 'kstreams-demo' });
  try {
    const orders = driver.createInputTopic(SAMPLE_DEFAULTS.ordersTopic, Serdes.String(), Serdes.Json<OrderEvent>());
    const output = driver.createOutputTopic(SAMPLE_DEFAULTS.outputTopic, Serdes.String(), Serdes.Long());
    for (const o of sampleOrders()) {
      await orders.pipeInput(o.orderId, o, o.eventTime);
      print(`in  ${SAMPLE_DEFAULTS.ordersTopic}: ${o.orderId} ${o.eventType} ${o.symbol} x${o.quantity}`);
      for (const r of output.readRecordsToList()) print(`out ${SAMPLE_DEFAULTS.outputTopic}: ${r.key} = ${r.value} (ts ${r.timestamp})`);
    }
    const store = await driver.getKeyValueStore<string, number>(SAMPLE_DEFAULTS.storeName);
    const counts: string[] = [];
    for await (const { key, value } of (await store!.all())) counts.push(`${key}=${value}`);
    print(`store ${SAMPLE_DEFAULTS.storeName}: ${counts.join(', ')}`);
  } finally {
    await driver.close();
  }
}
