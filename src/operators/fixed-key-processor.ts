import type { FixedKeyProcessorSupplier, Processor, ProcessorContext, ProcessorSupplier } from '../processor/api.js';
import { Record } from '../processor/record.js';

/**
 * Runs a `FixedKeyProcessor` (`processValues`) as a plain processor. Java hands a fixed-key processor a
 * `FixedKeyRecord` of its own, whose headers are a copy: a processor that changes them in place does not
 * change what its sibling branches see. (A plain `Processor` gets the shared record, so its in-place
 * changes do show downstream of its siblings, as in Java.)
 */
export function fixedKeyProcessorSupplier<K, V, VR>(supplier: FixedKeyProcessorSupplier<K, V, VR>): ProcessorSupplier<K, V, K, VR> {
  return (): Processor<K, V, K, VR> => {
    const inner = supplier();
    return {
      init: (ctx: ProcessorContext<K, VR>) => inner.init?.(ctx as never),
      process: (r: Record<K, V>) => inner.process(new Record(r.key, r.value, r.timestamp, r.headers.copy())),
      close: () => inner.close?.(),
    };
  };
}
