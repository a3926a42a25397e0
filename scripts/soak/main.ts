/**
 * `npm run soak -- [--duration 30m] [--instances 3] [--kill-interval 20s] [--rate 500] [--broker-restart]
 *                  [--guarantee exactly_once_v2|at_least_once]`
 *
 * The exactly-once crash soak (soak.ts). Starts a broker of its own (scripts/kafka/broker.ts) unless
 * KAFKA_BOOTSTRAP_SERVERS names one (then topics get a unique prefix, and --broker-restart is not
 * available: the soak can only bounce a broker it started). Prints a summary; exits 1 if anything was
 * lost, duplicated or wrong, a transaction was left open or an instance did not close cleanly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBroker, type RunningBroker } from '../kafka/broker.js';
import { runSoak, summary } from './soak.js';

/** "30m", "20s", "1500ms", "1h" → milliseconds. */
function duration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (m === null) throw new Error(`not a duration: ${text} (e.g. 90s, 30m)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5m' },
      instances: { type: 'string', default: '3' },
      'kill-interval': { type: 'string', default: '20s' },
      rate: { type: 'string', default: '500' },
      'broker-restart': { type: 'boolean', default: false },
      guarantee: { type: 'string', default: 'exactly_once_v2' },
    },
  });
  const log = (m: string): void => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}`);
  const external = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
  if (external && values['broker-restart']) throw new Error('--broker-restart needs a broker of its own: unset KAFKA_BOOTSTRAP_SERVERS');
  let broker: RunningBroker | undefined;
  try {
    if (!external) broker = await startBroker({ log: (m) => log(`[kafka] ${m}`) });
    const stamp = Date.now().toString(36);
    const result = await runSoak({
      bootstrapServers: external || broker!.bootstrapServers,
      durationMs: duration(values.duration),
      instances: Number(values.instances),
      killIntervalMs: duration(values['kill-interval']),
      rate: Number(values.rate),
      topicPrefix: external ? `soak-${stamp}-` : '',
      applicationId: `soak-${stamp}`,
      guarantee: values.guarantee,
      workDir: mkdtempSync(path.join(tmpdir(), 'kstreams-soak-')),
      restartBroker: values['broker-restart'] ? () => broker!.restart() : undefined,
      drainTimeoutMs: 300_000,
      log,
    });
    console.log(summary(result));
    process.exitCode = result.passed ? 0 : 1;
  } finally {
    await broker?.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
