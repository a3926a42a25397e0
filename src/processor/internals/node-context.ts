import { IllegalArgumentError, StreamsError } from '../../errors/streams-error.js';
import type { Serde } from '../../serde/serde.js';
import type { StateStore } from '../../state/state-store.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import type { Cancellable, ProcessorContext, Punctuator, RecordMetadata } from '../api.js';
import { PunctuationType } from '../api.js';
import type { Record } from '../record.js';
import { forwardTo, type ProcessorNode } from './processor-node.js';
import type { ProcessorRecordContext } from './record-context.js';
import { StreamsMetrics } from './streams-metrics.js';

/** What a node's context needs from its task. */
export interface TaskContext {
  applicationId(): string;
  taskId(): string;
  appConfigs(): Readonly<globalThis.Record<string, unknown>>;
  defaultKeySerde(): Serde<unknown> | null;
  defaultValueSerde(): Serde<unknown> | null;
  recordContext(): ProcessorRecordContext;
  /** Replaces the record context (a forward sets the forwarded record's timestamp and headers). */
  setRecordContext(context: ProcessorRecordContext): void;
  streamTime(): number;
  wallClockTime(): number;
  store(name: string): StateStore | undefined;
  isGlobalStore(name: string): boolean;
  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  requestCommit(): void;
  /** The task's metrics registry (absent in contexts that keep none). */
  metrics?(): StreamsMetrics;
  /**
   * A processor threw while processing `record`: true when the processing exception handler says to drop
   * the record there and go on (absent: always fail).
   */
  handleProcessingError?(processorNodeId: string, record: Record<unknown, unknown>, error: unknown): boolean;
}

/**
 * The `ProcessorContext` of one node. Each node has its own, so that `forward` always means "to this node's
 * children" even after an `await` inside an asynchronous processor.
 */
export class NodeContext implements ProcessorContext<unknown, unknown> {
  /** The tail of forwards still running asynchronously; the node waits for it before it is done. */
  pending: Promise<void> | null = null;
  /**
   * The first failure of an asynchronous forward. The processor may not have awaited that forward, so the
   * node reports the failure when it settles instead of leaving an unhandled rejection behind.
   */
  failure: { readonly error: unknown } | null = null;

  constructor(
    private readonly node: ProcessorNode,
    readonly task: TaskContext,
  ) {}

  forward(record: Record<unknown, unknown>, childName?: string): MaybePromise<void> {
    const targets = childName === undefined ? this.node.children : [this.node.child(childName)];
    if (this.pending !== null) return this.track(this.pending.then(() => this.forwardNow(targets, record)));
    const r = this.forwardNow(targets, record);
    return isPromise(r) ? this.track(r) : undefined;
  }

  /**
   * As Java's `forward`: while the children run, the record context carries the forwarded record's
   * timestamp and headers (what a changelog or a cache entry written below records), and is restored after.
   */
  private forwardNow(targets: readonly ProcessorNode[], record: Record<unknown, unknown>): MaybePromise<void> {
    const task = this.task;
    const previous = task.recordContext();
    if (record.timestamp === previous.timestamp() && record.headers.sameAs(previous.headers())) return forwardTo(targets, record);
    task.setRecordContext(previous.withTimestampAndHeaders(record.timestamp, record.headers));
    let r: MaybePromise<void>;
    try {
      r = forwardTo(targets, record);
    } catch (e) {
      task.setRecordContext(previous);
      throw e;
    }
    if (!isPromise(r)) {
      task.setRecordContext(previous);
      return;
    }
    return r.finally(() => task.setRecordContext(previous));
  }

  private track(p: Promise<void>): Promise<void> {
    const tail: Promise<void> = p.then(
      () => {
        if (this.pending === tail) this.pending = null;
      },
      (e: unknown) => {
        if (this.pending === tail) this.pending = null;
        this.failure ??= { error: e };
        throw e;
      },
    );
    // handled here: the node rethrows `failure` when it settles, whether or not the processor awaited
    tail.catch(() => undefined);
    this.pending = tail;
    return tail;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!(intervalMs >= 1)) throw new IllegalArgumentError('The minimum supported scheduling interval is 1 millisecond.');
    return this.task.schedule(this.node, intervalMs, type, punctuator);
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    const task = this.task;
    // as Java: a global store is reachable from every processor, but read-only
    if (task.isGlobalStore(name)) return readOnlyGlobalStore(task.store(name)!) as S;
    if (!this.node.stateStoreNames.includes(name)) {
      throw new StreamsError(
        `Processor ${this.node.name} has no access to StateStore ${name} as the store is not connected to the processor. ` +
          `Connect it by naming the processor in addStateStore(), with connectProcessorAndStateStores(), or by passing the store name to process()/processValues().`,
      );
    }
    const store = task.store(name);
    if (store === undefined) throw new StreamsError(`Processor ${this.node.name} can't access StateStore ${name}: it does not exist in this task.`);
    return store as S;
  }

  commit(): void {
    this.task.requestCommit();
  }

  recordMetadata(): RecordMetadata | null {
    const rc = this.task.recordContext();
    return rc.hasMetadata() ? rc : null;
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime();
  }

  /** The task's metrics registry (Java's `context.metrics()`). */
  metrics(): StreamsMetrics {
    return this.task.metrics?.() ?? (this.ownMetrics ??= new StreamsMetrics());
  }

  private ownMetrics: StreamsMetrics | null = null;

  currentSystemTimeMs(): number {
    return this.task.wallClockTime();
  }

  applicationId(): string {
    return this.task.applicationId();
  }

  taskId(): string {
    return this.task.taskId();
  }

  appConfigs(): Readonly<globalThis.Record<string, unknown>> {
    return this.task.appConfigs();
  }

  keySerde(): Serde<unknown> | null {
    return this.task.defaultKeySerde();
  }

  valueSerde(): Serde<unknown> | null {
    return this.task.defaultValueSerde();
  }
}

/** What a regular processor may not call on a global store (only the global task writes it). */
const GLOBAL_STORE_WRITES = new Set(['put', 'putIfAbsent', 'putAll', 'delete', 'remove', 'init', 'flush', 'close']);
const readOnlyViews = new WeakMap<StateStore, StateStore>();

/** Java's read-only decorator of a global store: reads pass through, writes throw "Global store is read only". */
function readOnlyGlobalStore(store: StateStore): StateStore {
  let view = readOnlyViews.get(store);
  if (view === undefined) {
    const bound = new Map<PropertyKey, unknown>();
    const refuse = (): never => {
      throw new StreamsError('Global store is read only', { code: 'UNSUPPORTED_OPERATION' });
    };
    view = new Proxy(store, {
      get(target, prop) {
        if (typeof prop === 'string' && GLOBAL_STORE_WRITES.has(prop)) return refuse;
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== 'function') return v;
        let b = bound.get(prop);
        if (b === undefined) bound.set(prop, (b = (v as (...a: unknown[]) => unknown).bind(target)));
        return b;
      },
    });
    readOnlyViews.set(store, view);
  }
  return view;
}
