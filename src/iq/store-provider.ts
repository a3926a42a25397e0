import {
  InvalidStateStorePartitionError,
  StateStoreMigratedError,
  StateStoreNotAvailableError,
  StreamsNotStartedError,
  StreamsRebalancingError,
  UnknownStateStoreError,
} from '../errors/interactive-query-errors.js';
import { InvalidStateStoreError } from '../errors/streams-error.js';
import type { StateStore } from '../state/state-store.js';
import type { QueryableStoreType } from './queryable-store-types.js';
import type { StoreQueryParameters } from './store-query-parameters.js';

/** A local task as interactive queries see it. */
export interface QueryableTask {
  /** The task's partition (tasks `<subtopology>_<partition>`). */
  readonly partition: number;
  store(name: string): StateStore | undefined;
}

/** What interactive queries need of the running client (KafkaStreams implements it). */
export interface LocalStreamsView {
  /** The client's state, a `KafkaStreamsState` name. */
  state(): string;
  /** The running active tasks; with `stale`, also the ones restoring or suspended by a rebalance. */
  tasks(stale: boolean): readonly QueryableTask[];
  globalStore(name: string): StateStore | undefined;
  /** Every store of the topology (global stores included), by name. */
  storeNames(): ReadonlySet<string>;
}

/** Throws unless the client is RUNNING or REBALANCING (Java's `validateIsRunningOrRebalancing`). */
export function requireRunningOrRebalancing(state: string): void {
  if (state === 'CREATED') throw new StreamsNotStartedError('KafkaStreams has not been started; call start() before querying.');
  if (state !== 'RUNNING' && state !== 'REBALANCING') {
    throw new StateStoreNotAvailableError(`KafkaStreams is not running (its state is ${state}); state stores can be queried only while it is RUNNING.`);
  }
}

/**
 * Java's `QueryableStoreProvider` and `WrappingStoreProvider`: `store()` checks the name once; the view
 * then asks for the local stores at every call, which checks the client's state again, so a view kept
 * across a rebalance never reads a store that is not up to date (unless stale stores were enabled).
 */
export class LocalStoreProvider {
  constructor(private readonly local: LocalStreamsView) {}

  getStore<T>(params: StoreQueryParameters<T>): T {
    requireRunningOrRebalancing(this.local.state());
    const name = params.storeName();
    const known = this.local.storeNames();
    if (!known.has(name)) {
      throw new UnknownStateStoreError(`Cannot get state store ${name}: no store of that name is in the topology (its stores: ${[...known].sort().join(', ') || 'none'}).`);
    }
    return params.queryableStoreType().create(name, () => this.stores(params));
  }

  private stores<T>(params: StoreQueryParameters<T>): StateStore[] {
    const state = this.local.state();
    requireRunningOrRebalancing(state);
    const name = params.storeName();
    const type = params.queryableStoreType();
    const global = this.local.globalStore(name);
    if (global !== undefined) return [accepted(global, type)];
    if (state === 'REBALANCING' && !params.staleStoresEnabled()) {
      throw new StreamsRebalancingError(
        `State store ${name} cannot be queried now: KafkaStreams is REBALANCING (its tasks are being assigned or restored). Retry once it is RUNNING, or query with enableStaleStores().`,
      );
    }
    const partition = params.partition();
    const stores: StateStore[] = [];
    for (const task of this.local.tasks(params.staleStoresEnabled())) {
      if (partition !== null && task.partition !== partition) continue;
      const store = task.store(name);
      if (store !== undefined && store.isOpen()) stores.push(accepted(store, type));
    }
    if (stores.length > 0) return stores;
    if (partition !== null) throw new InvalidStateStorePartitionError(`Partition ${partition} of state store ${name} is not hosted by this instance; find its host with queryMetadataForKey.`);
    throw new StateStoreMigratedError(`State store ${name} has no task on this instance: it may have migrated to another instance; find its hosts with streamsMetadataForStore.`);
  }
}

function accepted<T>(store: StateStore, type: QueryableStoreType<T>): StateStore {
  if (!type.accepts(store)) {
    throw new InvalidStateStoreError(`Cannot get state store ${store.name()}: it is not a store that QueryableStoreTypes.${type.description}() accepts; query it with the type matching its kind.`);
  }
  return store;
}
