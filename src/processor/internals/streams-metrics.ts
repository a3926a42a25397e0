/**
 * A minimal metrics registry (the part of Java's `StreamsMetrics` the engine records so far): named
 * cumulative counters with Java's metric names, groups and tags. Each `StreamTask` owns one; processors
 * reach it through `context.metrics()`, stores through their `StateStoreContext.metrics()`, and the
 * TopologyTestDriver lists every counter with `driver.metrics()`.
 */
export interface MetricValue {
  readonly name: string;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Counter {
  /** Adds `n` (default 1). */
  record(n?: number): void;
  value(): number;
}

export class StreamsMetrics {
  private readonly counters = new Map<string, { name: string; group: string; tags: Record<string, string>; value: number }>();

  /** The counter with this name, group and tags (created at 0 the first time it is asked for). */
  counter(name: string, group: string, tags: Readonly<Record<string, string>>): Counter {
    const id = `${group}:${name}:${JSON.stringify(Object.entries(tags).sort())}`;
    let entry = this.counters.get(id);
    if (entry === undefined) this.counters.set(id, (entry = { name, group, tags: { ...tags }, value: 0 }));
    const e = entry;
    return {
      record: (n = 1) => {
        e.value += n;
      },
      value: () => e.value,
    };
  }

  /** Every counter, in creation order. */
  metrics(): MetricValue[] {
    return [...this.counters.values()].map((e) => ({ name: e.name, group: e.group, tags: { ...e.tags }, value: e.value }));
  }
}

/** Java's thread id tag of the driver's and the embedded runner's single stream thread. */
const THREAD_ID = 'main';

/**
 * Java's `TaskMetrics.droppedRecordsSensor`: `dropped-records-total` of group `stream-task-metrics`,
 * counting records the task dropped (null keys in windowed aggregations, late records beyond the grace
 * period, writes to expired window segments). A no-op counter when there is no registry.
 */
export function droppedRecordsSensor(metrics: StreamsMetrics | null | undefined, taskId: string): Counter {
  if (metrics === null || metrics === undefined) return { record: () => undefined, value: () => 0 };
  return metrics.counter('dropped-records-total', 'stream-task-metrics', { 'thread-id': THREAD_ID, 'task-id': taskId });
}

/**
 * Java's `TaskMetrics.enforcedProcessingSensor`: `enforced-processing-total` of group `stream-task-metrics`,
 * counting records processed while another input partition of the task was empty (max.task.idle.ms).
 */
export function enforcedProcessingSensor(metrics: StreamsMetrics, taskId: string): Counter {
  return metrics.counter('enforced-processing-total', 'stream-task-metrics', { 'thread-id': THREAD_ID, 'task-id': taskId });
}

/** The registry of a context that has one (`ProcessorContext` or `StateStoreContext`), else null. */
export function metricsOf(context: unknown): StreamsMetrics | null {
  const fn = (context as { metrics?: () => StreamsMetrics } | null | undefined)?.metrics;
  return typeof fn === 'function' ? fn.call(context) : null;
}
