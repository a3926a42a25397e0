import type { MaybePromise } from '../util/maybe-promise.js';
import type { Processor, ProcessorContext } from './api.js';
import type { Record } from './record.js';

/** Java's `ContextualProcessor`: a processor that keeps its context from `init`. */
export abstract class ContextualProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  private ctx: ProcessorContext<KOut, VOut> | null = null;

  init(context: ProcessorContext<KOut, VOut>): MaybePromise<void> {
    this.ctx = context;
  }

  protected context(): ProcessorContext<KOut, VOut> {
    return this.ctx!;
  }

  abstract process(record: Record<KIn, VIn>): MaybePromise<void>;
}
