import { StreamsError } from '../../errors/streams-error.js';
import type { Serde } from '../../serde/serde.js';
import type { StateStore } from '../../state/state-store.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import type { Cancellable, ProcessorContext, Punctuator, RecordMetadata } from '../api.js';
import { PunctuationType } from '../api.js';
import type { Record } from '../record.js';
import { forwardTo, type ProcessorNode } from './processor-node.js';
import type { ProcessorRecordContext } from './record-context.js';

/** What a node's context needs from its task. */
export interface TaskContext {
  applicationId(): string;
  taskId(): string;
  appConfigs(): Readonly<globalThis.Record<string, unknown>>;
  defaultKeySerde(): Serde<unknown> | null;
  defaultValueSerde(): Serde<unknown> | null;
  recordContext(): ProcessorRecordContext;
  streamTime(): number;
  wallClockTime(): number;
  store(name: string): StateStore | undefined;
  isGlobalStore(name: string): boolean;
  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  requestCommit(): void;
}

/**
 * The `ProcessorContext` of one node. Each node has its own, so that `forward` always means "to this node's
 * children" even after an `await` inside an asynchronous processor.
 */
export class NodeContext implements ProcessorContext<unknown, unknown> {
  /** The tail of forwards still running asynchronously; the node waits for it before it is done. */
  pending: Promise<void> | null = null;

  constructor(
    private readonly node: ProcessorNode,
    readonly task: TaskContext,
  ) {}

  forward(record: Record<unknown, unknown>, childName?: string): MaybePromise<void> {
    const targets = childName === undefined ? this.node.children : [this.node.child(childName)];
    if (this.pending !== null) return this.track(this.pending.then(() => forwardTo(targets, record)));
    const r = forwardTo(targets, record);
    return isPromise(r) ? this.track(r) : undefined;
  }

  private track(p: Promise<void>): Promise<void> {
    const tail: Promise<void> = p.then(
      () => {
        if (this.pending === tail) this.pending = null;
      },
      (e: unknown) => {
        if (this.pending === tail) this.pending = null;
        throw e;
      },
    );
    this.pending = tail;
    return tail;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!(intervalMs >= 1)) throw new StreamsError('The minimum supported scheduling interval is 1 millisecond.');
    return this.task.schedule(this.node, intervalMs, type, punctuator);
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    const store = this.task.store(name);
    if (store === undefined) throw new StreamsError(`Processor ${this.node.name} can't access StateStore ${name}: it does not exist in this task.`);
    if (!this.task.isGlobalStore(name) && !this.node.stateStoreNames.includes(name)) {
      throw new StreamsError(
        `Processor ${this.node.name} has no access to StateStore ${name} as the store is not connected to the processor. ` +
          `Connect it by naming the processor in addStateStore(), with connectProcessorAndStateStores(), or by passing the store name to process()/processValues().`,
      );
    }
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
