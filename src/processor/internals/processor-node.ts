import { ProcessingError } from '../../errors/topology-error.js';
import { StreamsError } from '../../errors/streams-error.js';
import { KafkaClientError } from '../../kafka/errors.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import type { Processor, ProcessorContext } from '../api.js';
import type { Record } from '../record.js';
import { NodeContext, type TaskContext } from './node-context.js';

/**
 * A node of the processor graph in a task: wraps the user's (or an operator's) processor, forwards to its
 * children depth-first in the order they were added, and attributes failures to itself.
 */
export class ProcessorNode<KIn = any, VIn = any, KOut = any, VOut = any> {
  readonly children: ProcessorNode<KOut, VOut>[] = [];
  private readonly childByName = new Map<string, ProcessorNode<KOut, VOut>>();
  protected ctx: NodeContext | null = null;

  constructor(
    readonly name: string,
    protected readonly processor: Processor<KIn, VIn, KOut, VOut> | null,
    readonly stateStoreNames: readonly string[] = [],
  ) {}

  addChild(child: ProcessorNode<KOut, VOut>): void {
    this.children.push(child);
    this.childByName.set(child.name, child);
  }

  child(name: string): ProcessorNode<KOut, VOut> {
    const c = this.childByName.get(name);
    if (c === undefined) throw new StreamsError(`Unknown downstream node: ${name} either does not exist or is not connected to this processor.`);
    return c;
  }

  get context(): NodeContext {
    return this.ctx!;
  }

  init(task: TaskContext): MaybePromise<void> {
    this.ctx = new NodeContext(this, task);
    return this.attributed(() => this.processor?.init?.(this.ctx as unknown as ProcessorContext<KOut, VOut>), 'failed to initialize processor');
  }

  close(): MaybePromise<void> {
    return this.attributed(() => this.processor?.close?.(), 'failed to close processor');
  }

  /** Java wraps a failing `init` / `close` in a StreamsException "failed to <do> processor <name>". */
  private attributed(run: () => MaybePromise<void>, what: string): MaybePromise<void> {
    const wrap = (e: unknown): Error =>
      new StreamsError(`${what} ${this.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    let r: MaybePromise<void>;
    try {
      r = run();
    } catch (e) {
      throw wrap(e);
    }
    return isPromise(r)
      ? r.catch((e: unknown) => {
          throw wrap(e);
        })
      : r;
  }

  /** Processes one record; returns a promise only if this node or one below it is asynchronous. */
  process(record: Record<KIn, VIn>): MaybePromise<void> {
    let result: MaybePromise<void>;
    try {
      result = this.doProcess(record);
    } catch (e) {
      return this.failed(record, e);
    }
    const ctx = this.ctx!;
    if (!isPromise(result) && ctx.pending === null && ctx.failure === null) return;
    return this.settle(result, ctx).catch((e: unknown) => this.failed(record, e));
  }

  /**
   * This node's processor failed on `record`: the processing exception handler may drop the record here and
   * let processing go on (KIP-1033); otherwise the failure is attributed to this node. A failure already
   * attributed below (a ProcessingError) goes up as is, and so does a Kafka client failure met by a send
   * (e.g. a fenced producer: the task migrated, which the runtime must recognise).
   */
  private failed(record: Record<KIn, VIn>, e: unknown): void {
    if (e instanceof KafkaClientError) throw e;
    if (!(e instanceof ProcessingError) && this.ctx?.task.handleProcessingError?.(this.name, record as Record<unknown, unknown>, e) === true) return;
    throw this.wrap(e);
  }

  /**
   * Runs a punctuator as this node, so that what it forwards goes to this node's children. A failure is
   * attributed to this node, as Java's "Exception caught while punctuating processor '<name>'".
   */
  punctuate(punctuator: (timestamp: number) => MaybePromise<void>, timestamp: number): MaybePromise<void> {
    const wrap = (e: unknown): Error =>
      new ProcessingError(
        `Exception caught while punctuating processor '${this.name}': ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    let result: MaybePromise<void>;
    try {
      result = punctuator(timestamp);
    } catch (e) {
      throw wrap(e);
    }
    const ctx = this.ctx!;
    if (!isPromise(result) && ctx.pending === null && ctx.failure === null) return;
    return this.settle(result, ctx).catch((e: unknown) => {
      throw wrap(e);
    });
  }

  protected doProcess(record: Record<KIn, VIn>): MaybePromise<void> {
    return this.processor!.process(record);
  }

  /** Waits for the processor and for any forward it did not await, so that records never overtake. */
  private async settle(result: MaybePromise<void>, ctx: NodeContext): Promise<void> {
    try {
      await result;
      while (ctx.pending !== null) await ctx.pending;
    } catch (e) {
      ctx.failure = null;
      throw e;
    }
    // a forward that failed while nobody awaited it fails this record (and only this one)
    const failure = ctx.failure;
    if (failure !== null) {
      ctx.failure = null;
      throw failure.error;
    }
  }

  private wrap(e: unknown): Error {
    if (e instanceof ProcessingError) return e;
    const rc = this.ctx?.task.recordContext();
    const where = rc?.hasMetadata()
      ? `topic=${rc.topic()}, partition=${rc.partition()}, offset=${rc.offset()}`
      : 'during punctuation';
    const reason = e instanceof Error ? e.message : String(e);
    return new ProcessingError(
      `Exception caught in process. taskId=${this.ctx?.task.taskId() ?? '?'}, processor=${this.name}, ${where}: ${reason}`,
      { cause: e },
    );
  }
}

/** Sends `record` to each of `children` in order, waiting for an asynchronous child before the next. */
export function forwardTo(children: readonly ProcessorNode[], record: Record<unknown, unknown>, from = 0): MaybePromise<void> {
  for (let i = from; i < children.length; i++) {
    const r = children[i]!.process(record);
    if (isPromise(r)) return r.then(() => forwardTo(children, record, i + 1));
  }
}
