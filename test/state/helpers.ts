import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { Headers } from '../../src/processor/headers.js';
import type { RecordCache } from '../../src/state/internals/record-cache.js';
import type { Serde } from '../../src/serde/serde.js';
import type { StateRestoreCallback, StateStore, StateStoreContext } from '../../src/state/state-store.js';

/** The temp state directories the mock contexts made: removed after the tests of the file that made them. */
const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A minimal StateStoreContext for unit tests; records registrations. */
export class MockStateStoreContext implements StateStoreContext {
  readonly registered: Array<{ store: StateStore; restore?: StateRestoreCallback }> = [];
  readonly changes: Array<{ store: string; key: Buffer; value: Buffer | null; timestamp: number }> = [];
  timestamp = 0;

  constructor(
    private readonly defaults: {
      keySerde?: Serde<unknown> | null;
      valueSerde?: Serde<unknown> | null;
      applicationId?: string;
      /** The task's state directory; default: a fresh temp directory, made on first use. */
      stateDir?: string;
      /** The application's configs (`appConfigs()`). */
      configs?: Readonly<Record<string, unknown>>;
    } = {},
  ) {}

  private dir: string | null = null;

  stateDir(): string {
    if (this.dir === null) {
      this.dir = this.defaults.stateDir ?? mkdtempSync(join(tmpdir(), 'kstreams-state-'));
      if (this.defaults.stateDir === undefined) madeDirs.push(this.dir);
    }
    return this.dir;
  }

  applicationId(): string {
    return this.defaults.applicationId ?? 'app';
  }

  taskId(): string {
    return '0_0';
  }

  appConfigs(): Readonly<Record<string, unknown>> {
    return this.defaults.configs ?? {};
  }

  keySerde(): Serde<unknown> | null {
    return this.defaults.keySerde ?? null;
  }

  valueSerde(): Serde<unknown> | null {
    return this.defaults.valueSerde ?? null;
  }

  register(store: StateStore, restoreCallback?: StateRestoreCallback): void {
    this.registered.push({ store, restore: restoreCallback });
  }

  logChange(store: string, key: Buffer, value: Buffer | null, timestamp: number): void {
    this.changes.push({ store, key, value, timestamp });
  }

  recordTimestamp(): number {
    return this.timestamp;
  }

  recordHeaders(): Headers {
    return new Headers();
  }

  cache(): RecordCache | null {
    return this.recordCache;
  }

  recordCache: RecordCache | null = null;
  currentContext: unknown = null;

  recordContext(): unknown {
    return this.currentContext;
  }

  withRecordContext<T>(snapshot: unknown, fn: () => T): T {
    const saved = this.currentContext;
    this.currentContext = snapshot;
    try {
      return fn();
    } finally {
      this.currentContext = saved;
    }
  }
}
