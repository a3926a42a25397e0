import { Readable } from 'node:stream';
import { runEmbedded } from './embedded.js';
import { buildTopology, select, valueSerdes } from './topology.js';

/** The sample the demo runs: what `kstreams produce order-fill --count 24 --seed 7` prints. */
export const DEMO_SAMPLE = { count: 24, seed: 7 } as const;

interface OrderState {
  orderId: string;
  symbol: string;
  side: string;
  quantity: number;
  filledQuantity: number;
  averagePrice: number | null;
  status: string;
  fillCount: number;
}

/**
 * The embedded default job (`npm run demo`): generates seeded sample data for `order-fill` (orders, partial
 * and duplicate fills, fills before their order, cancels racing fills…), runs the topology on the embedded
 * in-process engine (what `kstreams run order-fill` does without a broker), prints every output record as
 * it comes, then each order's final state.
 */
export async function runDemo(print: (line: string) => void): Promise<void> {
  const sel = select('order-fill', {});
  const { factory, serdeOf } = await valueSerdes(sel);
  const records = await sel.module.sample({ ...DEMO_SAMPLE, topics: sel.topics });
  print(
    `order-fill on the embedded engine: ${records.length} sample records ` +
      `(kstreams produce order-fill --count ${DEMO_SAMPLE.count} --seed ${DEMO_SAMPLE.seed} | kstreams run order-fill)`,
  );
  const finalStates = new Map<string, OrderState>();
  const result = await runEmbedded(sel, buildTopology(sel, factory), serdeOf, {
    input: Readable.from(records.map((r) => `${JSON.stringify(r)}\n`)),
    inputName: 'sample data',
    out: (line) => {
      const r = JSON.parse(line) as { topic: string; key: string; value: Record<string, unknown> };
      if (r.topic === 'order-state') finalStates.set(r.key, r.value as unknown as OrderState);
      print(`${r.topic.padEnd(16)} ${r.key.padEnd(11)} ${summary(r.topic, r.value)}`);
    },
    err: print,
  });
  print(`\n${result.processed} records in, ${result.outputs} out. Final order states:`);
  for (const s of [...finalStates.values()].sort((a, b) => a.orderId.localeCompare(b.orderId))) {
    print(`  ${s.orderId.padEnd(11)} ${s.side.padEnd(4)} ${s.symbol.padEnd(5)} ${orderLine(s)}`);
  }
}

function summary(topic: string, v: Record<string, unknown>): string {
  if (topic === 'order-anomalies') return `${String(v['kind']).padEnd(17)} ${String(v['detail'])}`;
  return orderLine(v as unknown as OrderState);
}

function orderLine(s: OrderState): string {
  const price = s.averagePrice === null ? '' : ` avg ${s.averagePrice.toFixed(2)}`;
  return `${s.status.padEnd(16)} filled ${s.filledQuantity}/${s.quantity}${price} in ${s.fillCount} fill(s)`;
}
