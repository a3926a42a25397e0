/**
 * `npm run conformance`: differential conformance of every reference topology against Apache Kafka
 * Streams' TopologyTestDriver (see differential.ts). Builds bench/reference-java first when needed.
 *
 *   npm run conformance -- [--sequences 1000] [--seed 1] [--store in_memory|rocksDB] [--max-length 60] [topology ...]
 *
 * Exits 1 with the shrunk failing input and the diff when a topology disagrees.
 */
import { parseArgs } from 'node:util';
import { checkTopology, formatMismatch } from './differential.js';
import { ensureJavaBuilt } from './java-driver.js';
import { isReferenceTopology, REFERENCE_TOPOLOGIES, type ReferenceTopology } from './topologies.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sequences: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    store: { type: 'string', default: 'in_memory' },
    'max-length': { type: 'string', default: '60' },
  },
});
const topologies = positionals.length > 0 ? positionals : [...REFERENCE_TOPOLOGIES];
const unknown = topologies.filter((t) => !isReferenceTopology(t));
if (unknown.length > 0) throw new Error(`unknown topologies ${unknown.join(', ')}; one of ${REFERENCE_TOPOLOGIES.join(', ')}`);
if (values.store !== 'rocksDB' && values.store !== 'in_memory') throw new Error('--store is rocksDB or in_memory');
const store = values.store;
const sequences = Number(values.sequences);
const seed = Number(values.seed);
const maxLength = Number(values['max-length']);

if (ensureJavaBuilt()) console.log('built bench/reference-java');
let failed = false;
for (const topology of topologies as ReferenceTopology[]) {
  const t0 = Date.now();
  const mismatch = await checkTopology(topology, { sequences, seed, store, maxLength });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (mismatch === null) console.log(`${topology.padEnd(18)} ${sequences} sequences agree (${store}, seed ${seed}, ${seconds}s)`);
  else {
    failed = true;
    console.log(`${topology.padEnd(18)} MISMATCH (${seconds}s)\n${formatMismatch(mismatch)}`);
  }
}
process.exit(failed ? 1 : 0);
