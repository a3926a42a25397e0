/**
 * The partition reader: reads chosen partitions from chosen offsets, with no consumer group.
 *
 * kafkajs has no manual assignment: its consumers always join a group. The alternatives were
 *  (a) a consumer in a throwaway group, with an assignor that hands it exactly the requested
 *      partitions and a seek at GROUP_JOIN. Every read then pays a group join, and a new group's
 *      first join waits `group.initial.rebalance.delay.ms` (3 s on a default broker); changing the set
 *      of partitions means leaving and rejoining; and the groups litter the coordinator. Restoration
 *      after every rebalance and a global table that keeps tailing its topic would pay that each time.
 *  (b) Fetch requests sent directly to the partition leaders through kafkajs's cluster object, which
 *      is what a manually assigned Java consumer does.
 * This is (b). It uses two kafkajs internals (isolated and checked in kafkajs-internals.ts): the
 * client's cluster factory and its `Batch` (which filters aborted transactions and control records
 * exactly as the kafkajs consumer does).
 *
 * Limits: one fetch per leader at a time (no prefetching while the handler runs); metadata is
 * refreshed and the fetch retried on leadership changes or lost connections until the deadline;
 * a start offset outside the log fails with `OffsetOutOfRangeError` (no automatic reset: the caller
 * decides, as Kafka Streams does when a checkpoint is stale).
 */
import type { Kafka } from 'kafkajs';
import type {
  IsolationLevel,
  PartitionReader,
  PartitionReaderConfig,
  ReadToEndOptions,
  RecordBatch,
  TopicPartition,
  TopicPartitionOffset,
} from './client-port.js';
import { KafkaClientError, KafkaTimeoutError, OffsetOutOfRangeError, UnknownTopicError } from './errors.js';
import { kafkaCall, toPortError } from './kafkajs-errors.js';
import { createInternalCluster, ISOLATION, newBatch, type InternalCluster, type RawPartitionData } from './kafkajs-internals.js';
import { byTopic, toConsumerRecord, tpKey } from './kafkajs-records.js';

const DEFAULT_TIMEOUT_MS = 300_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class KafkaJsPartitionReader implements PartitionReader {
  private closed = false;

  private constructor(
    private readonly cluster: InternalCluster,
    private readonly isolationLevel: IsolationLevel,
    private readonly config: PartitionReaderConfig,
    private readonly onClose: () => void,
  ) {}

  static async create(kafka: Kafka, config: PartitionReaderConfig, onClose: () => void): Promise<KafkaJsPartitionReader> {
    const isolationLevel = config.isolationLevel ?? 'read_uncommitted';
    const cluster = createInternalCluster(kafka, ISOLATION[isolationLevel]);
    await kafkaCall('connect partition reader', () => cluster.connect());
    return new KafkaJsPartitionReader(cluster, isolationLevel, config, onClose);
  }

  beginningOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.listOffsets(partitions, true);
  }

  endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.listOffsets(partitions, false);
  }

  async readToEnd(
    start: ReadonlyArray<TopicPartition & { readonly offset: number | 'earliest' }>,
    onBatch: (batch: RecordBatch) => Promise<void> | void,
    options: ReadToEndOptions = {},
  ): Promise<TopicPartitionOffset[]> {
    this.check();
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const partitions = start.map(({ topic, partition }) => ({ topic, partition }));
    const positions = new Map<string, number>();
    const earliest = start.filter((s) => s.offset === 'earliest');
    for (const b of await this.beginningOffsets(earliest)) positions.set(tpKey(b), b.offset);
    for (const s of start) if (s.offset !== 'earliest') positions.set(tpKey(s), s.offset);
    const ends = new Map((await this.endOffsets(partitions)).map((e) => [tpKey(e), e.offset]));
    const pending = new Map<string, TopicPartition>();
    for (const tp of partitions) if (positions.get(tpKey(tp))! < ends.get(tpKey(tp))!) pending.set(tpKey(tp), tp);

    while (pending.size > 0) {
      options.signal?.throwIfAborted();
      this.check();
      if (Date.now() > deadline) {
        throw new KafkaTimeoutError(
          `partition reader: did not reach the end of ${[...pending.values()].map((tp) => `${tp.topic}-${tp.partition}`).join(', ')} in time`,
        );
      }
      let fetched: Array<{ tp: TopicPartition; data: RawPartitionData; fetchOffset: number }>;
      try {
        fetched = await this.fetchOnce([...pending.values()], positions);
      } catch (error) {
        const mapped = toPortError(error, 'partition reader: fetch');
        if (mapped instanceof OffsetOutOfRangeError || !(mapped instanceof KafkaClientError) || !mapped.retriable) {
          throw mapped;
        }
        // Leadership moved or a connection dropped: refresh metadata, then try again.
        await sleep(100);
        await this.cluster.refreshMetadata().catch(() => undefined);
        continue;
      }
      // Handed over one at a time, in offset order per partition.
      for (const { tp, data, fetchOffset } of fetched) {
        const batch = newBatch(tp.topic, String(fetchOffset), data);
        const within = batch.messagesWithinOffset;
        if (within.length === 0) continue;
        const nextOffset = Number(within[within.length - 1]!.offset) + 1;
        if (batch.messages.length > 0) {
          await onBatch({
            topic: tp.topic,
            partition: tp.partition,
            records: batch.messages.map((m) => toConsumerRecord(tp.topic, tp.partition, m)),
            nextOffset,
            highWatermark: Number(batch.highWatermark),
          });
        }
        positions.set(tpKey(tp), nextOffset);
        if (nextOffset >= ends.get(tpKey(tp))!) pending.delete(tpKey(tp));
      }
    }
    return partitions.map((tp) => ({ ...tp, offset: positions.get(tpKey(tp))! }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    await kafkaCall('close partition reader', () => this.cluster.disconnect());
  }

  // -------------------------------------------------------------------------------------------

  private check(): void {
    if (this.closed) throw new KafkaClientError('partition reader is closed');
  }

  /** One Fetch per leader, concurrently; the partitions' data in request order. */
  private async fetchOnce(
    partitions: TopicPartition[],
    positions: ReadonlyMap<string, number>,
  ): Promise<Array<{ tp: TopicPartition; data: RawPartitionData; fetchOffset: number }>> {
    const perLeader = new Map<string, Map<string, number[]>>();
    for (const [topic, ps] of byTopic(partitions)) {
      const leaders = this.cluster.findLeaderForPartitions(topic, ps);
      for (const [nodeId, leaderPartitions] of Object.entries(leaders)) {
        if (!perLeader.has(nodeId)) perLeader.set(nodeId, new Map());
        perLeader.get(nodeId)!.set(topic, leaderPartitions);
      }
    }
    const maxBytesPerPartition = this.config.maxBytesPerPartition ?? 1024 * 1024;
    const responses = await Promise.all(
      [...perLeader].map(async ([nodeId, topics]) => {
        const broker = await this.cluster.findBroker({ nodeId });
        return broker.fetch({
          isolationLevel: ISOLATION[this.isolationLevel],
          maxWaitTime: this.config.maxWaitTimeMs ?? 500,
          minBytes: 1,
          maxBytes: this.config.maxBytes ?? 10 * 1024 * 1024,
          topics: [...topics].map(([topic, ps]) => ({
            topic,
            partitions: ps.map((partition) => ({
              partition,
              fetchOffset: String(positions.get(tpKey({ topic, partition }))),
              maxBytes: maxBytesPerPartition,
            })),
          })),
        });
      }),
    );
    const out: Array<{ tp: TopicPartition; data: RawPartitionData; fetchOffset: number }> = [];
    for (const { responses: topics } of responses) {
      for (const { topicName, partitions: datas } of topics) {
        for (const data of datas) {
          const tp = { topic: topicName, partition: data.partition };
          out.push({ tp, data, fetchOffset: positions.get(tpKey(tp))! });
        }
      }
    }
    return out;
  }

  private async listOffsets(partitions: readonly TopicPartition[], fromBeginning: boolean): Promise<TopicPartitionOffset[]> {
    this.check();
    if (partitions.length === 0) return [];
    const topics = byTopic(partitions);
    await kafkaCall('partition reader: metadata', () => this.cluster.addMultipleTargetTopics([...topics.keys()]));
    const result = await kafkaCall('partition reader: list offsets', () =>
      this.cluster.fetchTopicsOffset(
        [...topics].map(([topic, ps]) => ({ topic, partitions: ps.map((partition) => ({ partition })), fromBeginning })),
      ),
    );
    const found = new Map<string, number>();
    for (const { topic, partitions: ps } of result) for (const p of ps) found.set(tpKey({ topic, partition: p.partition }), Number(p.offset));
    const missing = partitions.filter((tp) => !found.has(tpKey(tp)));
    if (missing.length > 0) {
      throw new UnknownTopicError(
        `partition reader: no such partition(s) ${missing.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}`,
        [...new Set(missing.map((tp) => tp.topic))],
      );
    }
    return partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: found.get(tpKey(tp))! }));
  }
}
