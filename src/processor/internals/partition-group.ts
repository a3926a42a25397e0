import { ConfigError } from '../../errors/streams-error.js';
import type { Counter } from './streams-metrics.js';

/** `max.task.idle.ms` value that turns idling off: a task processes whatever it has buffered. */
export const MAX_TASK_IDLE_MS_DISABLED = -1;

const tp = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * Java's `PartitionGroup.readyToProcess` (KIP-695): whether a task may process its next record now, given
 * which of its input partitions have records buffered. Picking the oldest head among buffered partitions
 * is only right if an empty partition will not deliver an older record soon, so an empty partition
 * blocks the task while its lag is unknown (nothing fetched yet) or positive (data is on the broker, not
 * yet here); once it is known to have no lag, the task waits for it `max.task.idle.ms` of wall-clock time
 * (0: not at all), then processes anyway ("enforced processing"). `-1` turns all waiting off.
 */
export class PartitionGroup {
  /** Lag (end offset − position) of each partition as last fetched: Java's `fetchedLags`. */
  private readonly fetchedLags = new Map<string, number>();
  /** When a partition known to be empty stops being waited for. */
  private readonly idleDeadlines = new Map<string, number>();
  /** The input partitions with their map keys (computed once: readiness is asked before every record). */
  private readonly inputs: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly key: string }>;

  constructor(
    private readonly maxTaskIdleMs: number,
    /** The task's input partitions, including those that have not delivered anything yet. */
    partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>,
    /** Counts records processed while a partition was still empty (Java's enforced-processing sensor). */
    private readonly enforcedProcessing: Counter,
  ) {
    if (!(maxTaskIdleMs >= MAX_TASK_IDLE_MS_DISABLED)) {
      throw new ConfigError(`Invalid value ${maxTaskIdleMs} for configuration max.task.idle.ms: expected -1 (no idling) or a number of milliseconds >= 0.`);
    }
    this.inputs = partitions.map(({ topic, partition }) => ({ topic, partition, key: tp(topic, partition) }));
  }

  /** Records what the consumer learnt of a partition's lag (from a fetch, or an end-offset lookup). */
  updateLag(topic: string, partition: number, lag: number): void {
    this.fetchedLags.set(tp(topic, partition), Math.max(0, lag));
  }

  /**
   * True when the task may process a record at `wallClockTime`; `buffered` tells whether a partition has
   * records queued. False when nothing is buffered at all.
   */
  readyToProcess(wallClockTime: number, buffered: (topic: string, partition: number) => boolean): boolean {
    let anyBuffered = false;
    let enforced = false;
    for (const { topic, partition, key } of this.inputs) {
      if (buffered(topic, partition)) {
        this.idleDeadlines.delete(key);
        anyBuffered = true;
        continue;
      }
      if (this.maxTaskIdleMs === MAX_TASK_IDLE_MS_DISABLED) continue;
      const lag = this.fetchedLags.get(key);
      if (lag === undefined || lag > 0) {
        // must wait: to learn the lag, or for the data known to be on the broker
        this.idleDeadlines.delete(key);
        return false;
      }
      let deadline = this.idleDeadlines.get(key);
      if (deadline === undefined) this.idleDeadlines.set(key, (deadline = wallClockTime + this.maxTaskIdleMs));
      if (wallClockTime < deadline) return false;
      enforced = true;
    }
    if (enforced && anyBuffered) this.enforcedProcessing.record();
    return anyBuffered;
  }

  /** Forgets lags and waits (the partitions are read again from their committed offsets). */
  clear(): void {
    this.fetchedLags.clear();
    this.idleDeadlines.clear();
  }

  /** The empty partitions whose lag must be learnt (unknown) or whose data must arrive (positive lag). */
  awaited(buffered: (topic: string, partition: number) => boolean): Array<{ topic: string; partition: number }> {
    if (this.maxTaskIdleMs === MAX_TASK_IDLE_MS_DISABLED) return [];
    return this.inputs
      .filter(({ topic, partition, key }) => !buffered(topic, partition) && (this.fetchedLags.get(key) ?? 1) > 0)
      .map(({ topic, partition }) => ({ topic, partition }));
  }
}
