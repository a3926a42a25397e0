import { IllegalArgumentError } from '../src/errors/streams-error.js';
import type { MetricValue, StreamsMetrics } from '../src/processor/internals/streams-metrics.js';
import { WindowStoreFacade } from '../src/state/internals/window-store-facade.js';
import { isSessionStore, type SessionStore } from '../src/state/session-store.js';
import type { StateStore } from '../src/state/state-store.js';
import { isTimestampedStore } from '../src/state/timestamped-key-value-store.js';
import { isWindowStore, type TimestampedWindowStore, type WindowStore } from '../src/state/window-store.js';

/*
 * The TopologyTestDriver's typed access to window and session stores, as Java's driver gives it.
 */

/** `getWindowStore`: a timestamped window store (every windowed DSL store) is seen with plain values. */
export function windowStoreOf<K, V>(store: StateStore | null): WindowStore<K, V> | null {
  if (store === null || !isWindowStore<K, unknown>(store)) return null;
  if (isTimestampedStore(store)) return new WindowStoreFacade<K, V>(store as unknown as TimestampedWindowStore<K, V>);
  return store as unknown as WindowStore<K, V>;
}

export function timestampedWindowStoreOf<K, V>(store: StateStore | null): TimestampedWindowStore<K, V> | null {
  return store !== null && isWindowStore(store) && isTimestampedStore(store) ? (store as unknown as TimestampedWindowStore<K, V>) : null;
}

export function sessionStoreOf<K, V>(store: StateStore | null): SessionStore<K, V> | null {
  return store !== null && isSessionStore<K, V>(store) ? store : null;
}

/** The window and session part of Java's `throwIfBuiltInStore` (`getStateStore` refuses built-in stores). */
export function throwIfWindowedStore(store: StateStore): void {
  if (isWindowStore(store) && isTimestampedStore(store)) {
    throw new IllegalArgumentError(`Store ${store.name()} is a timestamped window store and should be accessed via \`getTimestampedWindowStore()\``);
  }
  if (isWindowStore(store)) throw new IllegalArgumentError(`Store ${store.name()} is a window store and should be accessed via \`getWindowStore()\``);
  if (isSessionStore(store)) throw new IllegalArgumentError(`Store ${store.name()} is a session store and should be accessed via \`getSessionStore()\``);
}

/** Every metric of the given tasks' registries (Java's `TopologyTestDriver.metrics()`, reduced to values). */
export function metricsOfTasks(...registries: Array<StreamsMetrics | undefined>): MetricValue[] {
  return registries.flatMap((r) => r?.metrics() ?? []);
}
