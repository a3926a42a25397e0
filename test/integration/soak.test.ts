/**
 * The crash soak's short run (scripts/soak/: `npm run soak` runs it for longer, with a broker restart):
 * three exactly_once_v2 instances of the soak topology (echo, running min / sum / count per key, a sum
 * through a repartition topic) over 6 partitions, SIGKILLed and restarted in rotation while a producer
 * writes; then a read_committed verifier finds every output record right, none lost, none duplicated,
 * and no transaction left open.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runSoak, summary } from '../../scripts/soak/soak.js';
import { OUTPUTS } from '../../scripts/soak/topology.js';
import { bootstrapServers, uniqueName } from './kafka.js';

it('exactly_once_v2 under SIGKILLs: every output record right, none lost or duplicated, no open transaction', async () => {
  const result = await runSoak({
    bootstrapServers: bootstrapServers(),
    durationMs: 60_000,
    instances: 3,
    // waits of 6-18 s: at least three kills in 60 s
    killIntervalMs: 12_000,
    rate: 300,
    topicPrefix: `${uniqueName('soak')}-`,
    applicationId: uniqueName('soak-app'),
    guarantee: 'exactly_once_v2',
    workDir: mkdtempSync(join(tmpdir(), 'ks-soak-')),
    drainTimeoutMs: 60_000,
    log: (m) => console.log(`[soak] ${m}`),
  });
  console.log(summary(result));
  const v = result.verdict;
  expect(result.kills).toBeGreaterThanOrEqual(3);
  expect(v.messages).toEqual([]);
  expect({ lost: v.lost, duplicated: v.duplicated, wrong: v.wrong }).toEqual({ lost: 0, duplicated: 0, wrong: 0 });
  expect(v.markersMissing).toEqual([]);
  expect(result.uncleanStops).toEqual([]);
  expect(result.crashes).toEqual([]);
  expect(v.inputRecords).toBe(result.produced);
  expect(v.verified).toBe(v.inputRecords * OUTPUTS.length);
  expect(result.passed).toBe(true);
}, 200_000);
