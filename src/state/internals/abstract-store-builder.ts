import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { StateStore, StoreBuilder } from '../state-store.js';

/**
 * Java's `AbstractStoreBuilder`: the mutable flags every store builder has. Defaults as Java's: logging
 * enabled with an empty topic config, caching disabled. Every `withX` changes this builder and returns it.
 */
export abstract class AbstractStoreBuilder<T extends StateStore> implements StoreBuilder<T> {
  private caching = false;
  private logging = true;
  private topicConfig: Record<string, string> = {};

  protected constructor(private readonly storeName: string) {
    if (storeName === null || storeName === undefined) throw new IllegalArgumentError('name cannot be null');
  }

  name(): string {
    return this.storeName;
  }

  withCachingEnabled(): this {
    this.caching = true;
    return this;
  }

  withCachingDisabled(): this {
    this.caching = false;
    return this;
  }

  /** Enables the changelog, with these topic configs for it (e.g. `{ 'retention.ms': '...' }`). */
  withLoggingEnabled(config: Readonly<Record<string, string>>): this {
    if (config === null || config === undefined) throw new IllegalArgumentError('config cannot be null');
    this.logging = true;
    this.topicConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    this.topicConfig = {};
    return this;
  }

  cachingEnabled(): boolean {
    return this.caching;
  }

  loggingEnabled(): boolean {
    return this.logging;
  }

  logConfig(): Readonly<Record<string, string>> {
    return this.topicConfig;
  }

  abstract build(): T;
}
