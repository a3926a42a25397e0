import type { StreamsConfig } from '../config/streams-config.js';
import type { KafkaClient, PartitionReader, TopicPartitionOffset } from '../kafka/client-port.js';
import { StreamsError } from '../errors/streams-error.js';
import { Headers } from '../processor/headers.js';
import { StreamTask } from '../processor/internals/stream-task.js';
import type { StateStore } from '../state/state-store.js';
import type { InternalTopologyBuilder } from '../topology/internal-topology-builder.js';
import { log } from '../util/logger.js';

/**
 * Java's `GlobalStreamThread`: keeps the global stores (GlobalKTables) of this instance up to date. At
 * start it reads every partition of the global topics to the end (the client is RUNNING only after), then
 * keeps reading what is appended. Global stores are rebuilt from their topics at every start (they are
 * kept in memory; the topic is their changelog).
 */
export class GlobalStreamThread {
  private reader: PartitionReader | null = null;
  private task: StreamTask | null = null;
  private positions: TopicPartitionOffset[] = [];
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly builder: InternalTopologyBuilder,
    private readonly config: StreamsConfig,
    private readonly client: KafkaClient,
    private readonly onFailure: (e: Error) => void,
  ) {}

  /** The global stores, by name (empty when the topology has none). */
  stores(): ReadonlyMap<string, StateStore> {
    return this.task?.stateStores() ?? new Map();
  }

  async start(): Promise<void> {
    const plan = this.builder.buildGlobalStateTopology();
    if (plan === null) return;
    this.task = new StreamTask({
      id: 'global',
      plan,
      builder: this.builder,
      config: this.config,
      collector: {
        send: () => {
          throw new StreamsError('A global store processor cannot forward records to sinks.');
        },
        partitionsFor: () => 1,
        flush: () => undefined,
      },
      clock: Date.now,
    });
    await this.task.initialize();
    const topics = plan.nodes.flatMap((n) => (n.kind === 'source' && n.topics !== null ? n.topics : []));
    const admin = await this.client.admin();
    try {
      const described = await admin.describeTopics(topics);
      this.positions = described.flatMap((d) => Array.from({ length: d.partitions }, (_, partition) => ({ topic: d.topic, partition, offset: 0 })));
    } finally {
      await admin.close();
    }
    this.reader = await this.client.partitionReader({ isolationLevel: this.config.isExactlyOnce() ? 'read_committed' : 'read_uncommitted' });
    await this.readAvailable();
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.readAvailable()).catch((e: unknown) => this.fail(e));
    }, 200);
  }

  private async readAvailable(): Promise<void> {
    if (this.stopped || this.reader === null || this.task === null) return;
    const task = this.task;
    const reached = await this.reader.readToEnd(this.positions, async (batch) => {
      for (const r of batch.records) {
        task.addRecord({ topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: new Headers(r.headers) });
      }
      while (task.hasRecordsQueued()) await task.process();
    });
    await task.commit();
    this.positions = reached;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.polling.catch(() => undefined);
    await this.task?.close().catch(() => undefined);
    await this.reader?.close().catch(() => undefined);
  }

  private fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    log.error(`global stream thread failed: ${error.message}`);
    this.onFailure(error);
  }
}
