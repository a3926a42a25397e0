/**
 * The runner protocol between bench/compare/main.ts and the processes it measures (ours, @kafkats/flow,
 * and Java's bench/reference-java/.../BrokerBench.java, which speaks it too):
 *
 *  - argument: one JSON `RunnerConfig`;
 *  - stdout: JSON lines `RunnerMessage`, a `progress` line every second while processing;
 *  - with `records > 0` the runner closes once it has processed that many input records (throughput run);
 *    with 0 it runs until a line `stop` on stdin (latency run);
 *  - after `closed` it exits when stdin closes, so that the parent can first read its CPU time and peak
 *    RSS from /proc.
 */
import { createInterface } from 'node:readline';

export interface RunnerConfig {
  readonly topology: string;
  readonly guarantee: 'at_least_once' | 'exactly_once_v2';
  readonly bootstrapServers: string;
  readonly applicationId: string;
  readonly stateDir: string;
  /** Input records to process before closing; 0: run until `stop` on stdin. */
  readonly records: number;
  /** Extra streams properties (Java names, string values). */
  readonly properties: Readonly<Record<string, string>>;
}

export interface RunnerMessage {
  readonly event: 'running' | 'progress' | 'processed' | 'closed' | 'error';
  /** Epoch ms. */
  readonly at: number;
  /** Input records processed so far (progress, processed). */
  readonly processed?: number;
}

/** A started application, as a runner sees it. */
export interface RunningApp {
  /** Input records processed so far. */
  processed(): number;
  close(): Promise<void>;
}

function emit(event: RunnerMessage['event'], processed?: number): void {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), processed })}\n`);
}

/** The runner side of the protocol, for the Node runners: `start` resolves once the app is running. */
export function runRunner(start: (cfg: RunnerConfig) => Promise<RunningApp>): void {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  void (async () => {
    const app = await start(cfg);
    emit('running');
    if (cfg.records > 0) {
      let nextProgress = Date.now() + 1000;
      for (let n = app.processed(); n < cfg.records; n = app.processed()) {
        if (Date.now() >= nextProgress) {
          emit('progress', n);
          nextProgress += 1000;
        }
        await sleep(10);
      }
      emit('processed', app.processed());
    } else {
      for (let line = await lines.next(); !line.done && line.value !== 'stop'; line = await lines.next());
    }
    await app.close();
    emit('closed');
    while (!(await lines.next()).done);
    process.exit(0);
  })().catch((e: unknown) => {
    console.error(e);
    emit('error');
    process.exit(1);
  });
}
