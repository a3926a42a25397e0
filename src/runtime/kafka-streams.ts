import { randomUUID } from 'node:crypto';
import { StreamsConfig, type StreamsProperties } from '../config/streams-config.js';
import { ConfigError, StreamsError } from '../errors/streams-error.js';
import { createKafkaJsClient } from '../kafka/kafkajs-adapter.js';
import type { KafkaClient } from '../kafka/client-port.js';
import type { StateRestoreListener } from '../processor/internals/changelog-reader.js';
import type { StreamTask } from '../processor/internals/stream-task.js';
import { StateDirectory } from '../state/internals/state-directory.js';
import type { StateStore } from '../state/state-store.js';
import type { Topology } from '../topology/topology.js';
import { log } from '../util/logger.js';
import type { Serializer } from '../serde/serde.js';
import { KeyQueryMetadata, type StreamsMetadata } from '../iq/metadata.js';
import { LocalStoreProvider, requireRunningOrRebalancing } from '../iq/store-provider.js';
import type { StoreQueryParameters } from '../iq/store-query-parameters.js';
import { storeCatalog } from '../iq/store-kind.js';
import { StreamsMetadataState } from '../iq/streams-metadata-state.js';
import { GlobalStreamThread } from './global-stream-thread.js';
import { setUpTopics } from './internal-topic-manager.js';
import { isRetriable, retrying } from './retry.js';
import { StreamThread, fencedCause } from './stream-thread.js';
import { TopologyMetadata } from './topology-metadata.js';

/** Java's `KafkaStreams.State`. */
export enum KafkaStreamsState {
  CREATED = 'CREATED',
  REBALANCING = 'REBALANCING',
  RUNNING = 'RUNNING',
  PENDING_SHUTDOWN = 'PENDING_SHUTDOWN',
  NOT_RUNNING = 'NOT_RUNNING',
  PENDING_ERROR = 'PENDING_ERROR',
  ERROR = 'ERROR',
}

/** Java's `StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse`. */
export enum StreamThreadExceptionResponse {
  REPLACE_THREAD = 'REPLACE_THREAD',
  SHUTDOWN_CLIENT = 'SHUTDOWN_CLIENT',
  SHUTDOWN_APPLICATION = 'SHUTDOWN_APPLICATION',
}

export type StreamsUncaughtExceptionHandler = (error: Error) => StreamThreadExceptionResponse;
export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;

export interface KafkaStreamsOptions {
  /** Makes the Kafka client (Java's `KafkaClientSupplier`); default: the kafkajs adapter. */
  readonly clientSupplier?: (config: StreamsConfig) => KafkaClient;
}

/** How long start() keeps trying to reach the brokers and set up the topics. */
const STARTUP_RETRY_MS = 120_000;

const GUARANTEES = ['at_least_once', 'exactly_once_v2', 'exactly_once', 'exactly_once_beta'];

/**
 * Java's `KafkaStreams`: runs a topology against Kafka, as `num.stream.threads` members of the consumer
 * group `application.id` (in one process they share the event loop, not CPU cores: scale out with more
 * instances), plus a global thread for GlobalKTables. `start()` resolves once the client is RUNNING.
 */
export class KafkaStreams {
  static readonly State = KafkaStreamsState;

  private readonly config: StreamsConfig;
  private currentState = KafkaStreamsState.CREATED;
  private stateListener: StateListener | null = null;
  private exceptionHandler: StreamsUncaughtExceptionHandler | null = null;
  private restoreListener: StateRestoreListener | undefined;
  private readonly threads: StreamThread[] = [];
  private global: GlobalStreamThread | null = null;
  private client: KafkaClient | null = null;
  private readonly stateDirectory: StateDirectory;
  private readonly processId = randomUUID();
  private readonly rebalancing = new Set<string>();
  private threadCounter = 0;
  /** Threads that failed and are being stopped. */
  private readonly stopping: Promise<void>[] = [];
  /** Threads being replaced after a failure (see onThreadFailure). */
  private readonly replacing = new Set<Promise<void>>();
  private fatalError: Error | null = null;
  private threadOptions: Omit<ConstructorParameters<typeof StreamThread>[0], 'name' | 'onRunning' | 'onRebalance' | 'onFailure'> | null = null;

  constructor(
    private readonly topology: Topology,
    props: StreamsProperties,
    private readonly options: KafkaStreamsOptions = {},
  ) {
    this.config = new StreamsConfig(props);
    for (const key of ['application.id', 'bootstrap.servers']) {
      if (typeof this.config.get(key) !== 'string' || this.config.get(key) === '') {
        throw new ConfigError(`Missing required configuration "${key}" which has no default value.`);
      }
    }
    const guarantee = String(this.config.get('processing.guarantee'));
    if (!GUARANTEES.includes(guarantee)) {
      throw new ConfigError(`Invalid value ${guarantee} for configuration processing.guarantee: must be one of at_least_once, exactly_once_v2`);
    }
    if (!(this.config.getNumber('num.stream.threads') >= 1)) throw new ConfigError('Invalid value for configuration num.stream.threads: must be at least 1');
    this.stateDirectory = StateDirectory.fromConfig(this.config);
  }

  state(): KafkaStreamsState {
    return this.currentState;
  }

  setStateListener(listener: StateListener): void {
    this.requireCreated('setStateListener');
    this.stateListener = listener;
  }

  setUncaughtExceptionHandler(handler: StreamsUncaughtExceptionHandler): void {
    this.requireCreated('setUncaughtExceptionHandler');
    this.exceptionHandler = handler;
  }

  setGlobalStateRestoreListener(listener: StateRestoreListener): void {
    this.requireCreated('setGlobalStateRestoreListener');
    this.restoreListener = listener;
  }

  /** Sets up internal topics, bootstraps global stores, starts the stream threads; resolves when RUNNING. */
  async start(): Promise<void> {
    this.requireCreated('start');
    this.setState(KafkaStreamsState.REBALANCING);
    try {
      const appId = this.config.getString('application.id');
      const metadata = new TopologyMetadata(
        this.topology.internalTopologyBuilder,
        appId,
        this.config.getNumber(StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG),
      );
      const client = (this.client = this.options.clientSupplier?.(this.config) ?? createKafkaJsClient({ bootstrapServers: this.config.getString('bootstrap.servers'), clientId: appId }));
      // a broker restarting while the instance starts is waited out, as Java's threads keep polling
      const setup = await retrying('setting up topics', STARTUP_RETRY_MS, async () => {
        const admin = await client.admin();
        return setUpTopics(admin, metadata, this.config).finally(() => admin.close());
      });
      this.global = new GlobalStreamThread(this.topology.internalTopologyBuilder, this.config, client, (e) => this.onThreadFailure(null, e));
      await this.global.start();
      this.threadOptions = {
        processId: this.processId,
        config: this.config,
        metadata,
        client,
        sourceTopics: setup.sourceTopics,
        partitionCounts: setup.partitionCounts,
        patternTopics: setup.patternTopics,
        stateDirectory: this.stateDirectory,
        globalStores: this.global.stores(),
        restoreListener: this.restoreListener,
      };
      if (setup.sourceTopics.length > 0) {
        const n = this.config.getNumber('num.stream.threads');
        await Promise.all(Array.from({ length: n }, () => this.addThread()));
        await this.replacements();
        // a thread failed while starting, and the uncaught exception handler shut the client down
        if (this.fatalError !== null) throw this.fatalError;
      }
      if (this.currentState === KafkaStreamsState.REBALANCING && this.rebalancing.size === 0) this.setState(KafkaStreamsState.RUNNING);
    } catch (e) {
      await this.shutdown(KafkaStreamsState.PENDING_ERROR, KafkaStreamsState.ERROR);
      throw e;
    }
  }

  /** Commits and closes every task, leaves the group, and stops. Resolves true if done within the timeout. */
  async close(options: { timeout?: number } = {}): Promise<boolean> {
    if (this.currentState === KafkaStreamsState.NOT_RUNNING || this.currentState === KafkaStreamsState.ERROR) return true;
    const done = this.shutdown(KafkaStreamsState.PENDING_SHUTDOWN, KafkaStreamsState.NOT_RUNNING).then(() => true);
    if (options.timeout === undefined) return done;
    return Promise.race([done, new Promise<boolean>((r) => setTimeout(() => r(false), options.timeout).unref())]);
  }

  /** Wipes this application's local state directory; only while not running (as Java). */
  cleanUp(): void {
    if (this.currentState === KafkaStreamsState.RUNNING || this.currentState === KafkaStreamsState.REBALANCING) {
      throw new StreamsError('Cannot clean up while running.');
    }
    this.stateDirectory.cleanUp();
  }

  /** Local stores by name across this instance's active tasks (interactive queries build on this). */
  localTasks(): ReadonlyMap<string, StreamTask> {
    const out = new Map<string, StreamTask>();
    for (const t of this.threads) for (const [id, task] of t.activeTasks()) out.set(id, task);
    return out;
  }

  /** The global stores of this instance. */
  globalStores(): ReadonlyMap<string, StateStore> {
    return this.global?.stores() ?? new Map();
  }

  /**
   * Java's `KafkaStreams.store()`: a read-only view over this instance's local stores named
   * `params.storeName()` (all its tasks', or one partition's). Reads throw `StreamsRebalancingError` while
   * the client is REBALANCING (tasks being assigned or restored) unless stale stores are enabled;
   * `UnknownStateStoreError` for a name not in the topology.
   */
  store<T>(params: StoreQueryParameters<T>): T {
    return this.storeProvider.getStore(params);
  }

  /**
   * Java's `queryMetadataForKey`: the instance (`application.server`) hosting `key` of `storeName`;
   * `KeyQueryMetadata.NOT_AVAILABLE` until an assignment is known, null for a store not in the topology.
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerializer: Serializer<K>): KeyQueryMetadata | null {
    requireRunningOrRebalancing(this.currentState);
    const state = this.metadataState();
    return state === null ? KeyQueryMetadata.NOT_AVAILABLE : state.keyQueryMetadata(storeName, key, keySerializer);
  }

  /** Java's `metadataForAllStreamsClients`: every instance of the application that set `application.server`. */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    requireRunningOrRebalancing(this.currentState);
    return this.metadataState()?.allMetadata() ?? [];
  }

  /** Java's `streamsMetadataForStore`: the instances hosting a task (or the global copy) of `storeName`. */
  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    requireRunningOrRebalancing(this.currentState);
    return this.metadataState()?.metadataForStore(storeName) ?? [];
  }

  /**
   * Not in Java: the owner of each partition of `storeName` (index = partition), which a query service
   * needs to scan a whole store page by page; empty for an unknown or global store, or before an assignment.
   */
  partitionsOfStore(storeName: string): KeyQueryMetadata[] {
    requireRunningOrRebalancing(this.currentState);
    return this.metadataState()?.partitionsOfStore(storeName) ?? [];
  }

  private readonly storeProvider = new LocalStoreProvider({
    state: () => this.currentState,
    tasks: (stale) =>
      // task ids are `<subtopology>_<partition>`
      this.threads.flatMap((t) => t.queryableTasks(stale)).map((task) => ({ partition: Number(task.taskId().split('_')[1]), store: (name: string) => task.store(name) })),
    globalStore: (name) => this.global?.stores().get(name),
    // the topology does not change once built: its store names are worked out once
    storeNames: () => (this.topologyStoreNames ??= new Set(storeCatalog(this.topology.internalTopologyBuilder).keys())),
  });

  private topologyStoreNames: ReadonlySet<string> | null = null;

  private metadataCache: StreamsMetadataState | null = null;

  /** Key routing's view of the application; null until start() has set the topics up. */
  private metadataState(): StreamsMetadataState | null {
    const o = this.threadOptions;
    if (o === null) return null;
    this.metadataCache ??= new StreamsMetadataState({
      subtopologies: o.metadata.subtopologies.map((s) => ({
        sourceTopics: [...s.sourceTopics, ...(o.patternTopics.get(s.id) ?? [])],
        stores: s.plan.stores.map((f) => f.builder.name()),
      })),
      globalStores: [...o.globalStores.keys()],
      partitionCounts: o.partitionCounts,
      thisHost: (this.config.get('application.server') as string | undefined) ?? null,
      partitionsByHost: () => this.threads.map((t) => t.partitionsByHost()).find((p) => Object.keys(p).length > 0) ?? {},
    });
    return this.metadataCache;
  }

  metrics(): Map<string, number> {
    return new Map([
      ['stream-threads', this.threads.length],
      ['active-tasks', this.localTasks().size],
    ]);
  }

  private async addThread(requestShutdown = false): Promise<void> {
    const name = `${this.config.getString('application.id')}-${this.processId}-StreamThread-${++this.threadCounter}`;
    const thread: StreamThread = new StreamThread({
      ...this.threadOptions!,
      name,
      requestShutdown,
      onRunning: () => undefined,
      onRebalance: (rebalancing) => this.onRebalance(name, rebalancing),
      onFailure: (e) => this.onThreadFailure(thread, e),
      onShutdownRequested: () => {
        this.fatalError ??= new StreamsError('An instance of the application requested its shutdown (SHUTDOWN_APPLICATION)');
        void this.shutdown(KafkaStreamsState.PENDING_ERROR, KafkaStreamsState.ERROR);
      },
    });
    this.threads.push(thread);
    this.onRebalance(name, true);
    try {
      await thread.start();
    } catch (e) {
      // a thread that reported its failure already is being handled (replaced, or the client shut down)
      if (!this.threads.includes(thread)) return;
      const error = e instanceof Error ? e : new Error(String(e));
      // a broker away while the thread joins: it is replaced as a failure of a running thread would be,
      // and start() waits for the replacement instead of failing
      if (this.shutdownPromise !== null || !isRetriable(error)) throw error;
      this.onThreadFailure(thread, error);
    }
  }

  /** Resolves once no thread replacement is under way (replacements may themselves be replaced). */
  private async replacements(): Promise<void> {
    while (this.replacing.size > 0) await Promise.all(this.replacing);
  }

  private onRebalance(thread: string, rebalancing: boolean): void {
    if (rebalancing) this.rebalancing.add(thread);
    else this.rebalancing.delete(thread);
    if (this.currentState === KafkaStreamsState.RUNNING && this.rebalancing.size > 0) this.setState(KafkaStreamsState.REBALANCING);
    else if (this.currentState === KafkaStreamsState.REBALANCING && this.rebalancing.size === 0) this.setState(KafkaStreamsState.RUNNING);
  }

  /**
   * A stream thread (or the global thread, `thread` null) failed and stopped. A fenced task only means
   * another instance took it over, a retriable client failure that the broker was briefly away: the
   * thread is replaced, and rejoins. Otherwise the uncaught exception
   * handler decides (default SHUTDOWN_CLIENT, as Java 4.x): replace the thread, shut this client down
   * (PENDING_ERROR, then ERROR), or ask every instance of the application to shut down.
   */
  private onThreadFailure(thread: StreamThread | null, error: Error): void {
    if (this.shutdownPromise !== null) return;
    const fenced = thread !== null && fencedCause(error) !== null;
    // a passing client failure (a broker restarting): the thread's uncommitted work is redone by a new
    // thread, which rejoins once the broker is back, as Java's thread retries rather than dies
    const transient = thread !== null && !fenced && isRetriable(error);
    if (fenced) log.warn(`${thread.name}: its tasks were fenced (migrated to another instance): replacing the thread, which rejoins the group`);
    if (transient) log.warn(`${thread.name}: ${error.message}: replacing the thread, which rejoins the group`);
    let response = StreamThreadExceptionResponse.REPLACE_THREAD;
    if (!fenced && !transient) {
      try {
        response = this.exceptionHandler?.(error) ?? StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      } catch (e) {
        log.error(`the uncaught exception handler threw: ${String(e)}`);
        response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    if (response === StreamThreadExceptionResponse.REPLACE_THREAD && thread === null) {
      log.error('the global stream thread cannot be replaced: shutting down the client');
      response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    if (!fenced && !transient) log.error(`stream thread ${thread?.name ?? 'global'} failed; the uncaught exception handler chose ${response}: ${error.message}`);
    let stopped: Promise<void> = Promise.resolve();
    if (thread !== null) {
      this.threads.splice(this.threads.indexOf(thread), 1);
      this.onRebalance(thread.name, false);
      stopped = thread.stop();
      this.stopping.push(stopped);
    }
    if (response === StreamThreadExceptionResponse.REPLACE_THREAD) {
      // once the failed thread has released its tasks (and their state directories)
      const replacement: Promise<void> = stopped
        .then(() => (this.shutdownPromise === null ? this.addThread() : undefined))
        .catch((e: unknown) => this.onThreadFailure(null, e instanceof Error ? e : new Error(String(e))))
        .finally(() => this.replacing.delete(replacement));
      this.replacing.add(replacement);
      return;
    }
    this.fatalError ??= error;
    if (response === StreamThreadExceptionResponse.SHUTDOWN_APPLICATION) {
      // as Java: a thread joins the group only to tell the leader, whose assignment tells every instance
      // (this one included) to shut down; should that not happen in time, this client shuts down anyway
      const fallback = setTimeout(() => void this.shutdown(KafkaStreamsState.PENDING_ERROR, KafkaStreamsState.ERROR), 30_000);
      fallback.unref();
      void this.addThread(true).catch((e: unknown) => {
        log.error(`could not ask the other instances to shut down: ${String(e)}`);
        void this.shutdown(KafkaStreamsState.PENDING_ERROR, KafkaStreamsState.ERROR);
      });
      return;
    }
    void this.shutdown(KafkaStreamsState.PENDING_ERROR, KafkaStreamsState.ERROR);
  }

  /** The error that put the client in ERROR (null if none). */
  error(): Error | null {
    return this.fatalError;
  }

  private shutdownPromise: Promise<void> | null = null;

  private shutdown(pending: KafkaStreamsState, final: KafkaStreamsState): Promise<void> {
    if (this.shutdownPromise !== null) return this.shutdownPromise;
    this.setState(pending);
    this.shutdownPromise = (async () => {
      await Promise.all([...this.threads.map((t) => t.stop()), ...this.stopping]);
      await this.global?.stop();
      await this.client?.close().catch(() => undefined);
      this.stateDirectory.close();
      this.setState(final);
    })();
    return this.shutdownPromise;
  }

  private setState(next: KafkaStreamsState): void {
    const old = this.currentState;
    if (old === next) return;
    this.currentState = next;
    try {
      this.stateListener?.(next, old);
    } catch (e) {
      log.warn(`state listener threw: ${String(e)}`);
    }
  }

  private requireCreated(what: string): void {
    if (this.currentState !== KafkaStreamsState.CREATED) throw new StreamsError(`${what} can only be called while the client is CREATED (it is ${this.currentState}).`);
  }
}
