/**
 * Differential conformance (issue 8): generated input sequences through Apache Kafka Streams'
 * TopologyTestDriver (bench/reference-java, built with Maven on first run) and through ours; outputs and
 * final store contents must agree. A failure prints the shrunk input and the diff. `npm run conformance`
 * runs the same check with 1,000 sequences per topology.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTopology, compareSequence, formatMismatch } from '../../bench/reference/differential.js';
import { ensureJavaBuilt, JavaDriver } from '../../bench/reference/java-driver.js';
import type { InputLine } from '../../bench/reference/lines.js';
import type { StoreType } from '../../bench/reference/runner.js';
import { REFERENCE_TOPOLOGIES, type ReferenceTopology } from '../../bench/reference/topologies.js';

const SEED = 1;

const left = (key: string, value: string | null, timestamp: number): InputLine => ({ topic: 'left', key, value, timestamp });
const right = (key: string, value: string | null, timestamp: number): InputLine => ({ topic: 'right', key, value, timestamp });

/** Shrunk inputs on which ours once disagreed with Java (each fixed in src/operators/kstream-kstream-join.ts). */
const REGRESSIONS: Array<{ topology: ReferenceTopology; bug: string; input: InputLine[] }> = [
  {
    topology: 'stream-join',
    bug: 'a null-value record moves the join window store\'s stream time (l1 has expired when r1 comes)',
    input: [left('a', 'l1', 685), left('b', null, 961), right('a', 'r1', 700)],
  },
  {
    topology: 'stream-outer-join',
    bug: 'the scan for unmatched records stops after reading the next record, which sets minTime',
    input: [left('d', 'l128', 3918), right('c', 'r129', 3950), right('b', 'r130', 3964), right('d', 'r132', 4033), right('c', 'r133', 4073)],
  },
  {
    topology: 'stream-outer-join',
    bug: 'records waiting under one key and time are read one by one (the scan stops at the second)',
    input: [
      left('b', 'l1', 4828),
      left('c', 'l2', 4850),
      right('a', 'r3', 4893),
      right('a', 'r4', 4893),
      left('c', 'l5', 4919),
      right('b', 'r6', 4996),
      right('a', 'r7', 5020),
    ],
  },
];

async function expectAgreement(topology: ReferenceTopology, store: StoreType, sequences: number): Promise<void> {
  const mismatch = await checkTopology(topology, { sequences, seed: SEED, store });
  if (mismatch !== null) expect.fail(formatMismatch(mismatch));
}

describe('differential conformance against Apache Kafka Streams', () => {
  // a fresh clone builds the Java reference first (dependencies from Maven Central or ~/.m2)
  beforeAll(() => void ensureJavaBuilt(), 600_000);

  for (const { topology, bug, input } of REGRESSIONS) {
    it(`${topology}: ${bug}`, async () => {
      const java = new JavaDriver(topology, 'in_memory');
      try {
        const d = await compareSequence(java, topology, input, 'in_memory');
        if (d !== null) expect.fail(`${input.map((l) => JSON.stringify(l)).join('\n')}\n${d}`);
      } finally {
        await java.close();
      }
    }, 60_000);
  }

  for (const topology of REFERENCE_TOPOLOGIES) {
    it(`${topology}: 30 sequences agree (in-memory stores)`, () => expectAgreement(topology, 'in_memory', 30), 180_000);
  }

  // Java's driver opens and deletes RocksDB stores for every sequence (a second or more each): a few only,
  // over a window store, a join's stores and key-value stores
  for (const topology of ['hopping-count', 'stream-outer-join', 'order-fill'] as const) {
    it(`${topology}: 3 sequences agree (persistent stores: RocksDB / LevelDB)`, () => expectAgreement(topology, 'rocksDB', 3), 180_000);
  }
});
