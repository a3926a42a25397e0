import { IllegalArgumentError } from '../errors/streams-error.js';
import { TopologyError } from '../errors/topology-error.js';
import { KTableSuppressSupplier, suppressionSettings } from '../operators/ktable-suppress.js';
import type { KTableValueSource } from '../operators/tuple-forwarder.js';
import { TimeOrderedBufferBuilder } from '../state/internals/in-memory-time-ordered-buffer.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { KTable } from './ktable.js';
import { Suppressed } from './suppressed.js';

const SUPPRESS_NAME = 'KTABLE-SUPPRESS-';

/**
 * Java's `KTableImpl.suppress`: names the processor (`KTABLE-SUPPRESS-…` or the given name) and its
 * buffer store (`KTABLE-SUPPRESS-STATE-STORE-…` or `<name>-store`), as Java does and in the same order.
 */
export function suppressTable<K, V>(table: KTable<K, V>, suppressed: Suppressed): KTable<K, V> {
  if (!(suppressed instanceof Suppressed)) throw new IllegalArgumentError('Custom subclasses of Suppressed are not supported.');
  const builder = table.builder;
  const name = suppressed.name ?? builder.newProcessorName(SUPPRESS_NAME);
  const grace = suppressed.kind === 'untilWindowCloses' ? findWindowGrace(table.valueSource, table.nodeName) : null;
  const settings = suppressionSettings(suppressed, grace);
  const storeName = suppressed.name !== null ? `${suppressed.name}-store` : builder.newStoreName(SUPPRESS_NAME);
  const supplier = new KTableSuppressSupplier<K, V>(table.valueSource, storeName, name, () => settings);
  const storeBuilder = new TimeOrderedBufferBuilder<K, V>(storeName, table.keySerde, table.valueSerde);
  const bufferConfig = suppressed.bufferConfig;
  if (bufferConfig.logConfig !== null) storeBuilder.withLoggingEnabled(bufferConfig.logConfig);
  else storeBuilder.withLoggingDisabled();
  const parent = table.nodeName;
  builder.addWriter((b) => {
    b.addProcessor(name, () => supplier.get(), parent);
    b.addStateStore(storeBuilder as unknown as StoreBuilder<StateStore>, false, name);
  });
  return new KTable(builder, name, table.keySerde, table.valueSerde, supplier, null);
}

/**
 * Java's `GraphGraceSearchUtil.findAndVerifyWindowGrace`: walks up from the table to the windowed
 * aggregation it derives from (through filters, mapValues, …) and returns how long its windows wait:
 * the grace period (sessions: gap + grace).
 */
function findWindowGrace(source: KTableValueSource, nodeName: string): number {
  let current: unknown = source;
  while (current !== null && current !== undefined) {
    const windowed = current as { windowCloseGraceMs?: () => number };
    if (typeof windowed.windowCloseGraceMs === 'function') return windowed.windowCloseGraceMs();
    // table operators keep the operator they derive from as `parent` (see KTableDerivedSupplier)
    current = (current as { parent?: unknown }).parent;
  }
  throw new TopologyError(`Window close time is only defined for windowed computations. Got [${nodeName}].`);
}
