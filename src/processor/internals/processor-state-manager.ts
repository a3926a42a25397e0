import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OffsetCheckpoint, tpKey, type TopicPartitionKey } from '../../state/internals/offset-checkpoint.js';
import type { StateRestoreCallback, StateStore } from '../../state/state-store.js';
import { isTimestampedStore } from '../../state/timestamped-key-value-store.js';
import type { ChangelogReader, StateRestoreListener } from './changelog-reader.js';

interface StoreMetadata {
  readonly store: StateStore;
  readonly restore: StateRestoreCallback | null;
  readonly changelog: { topic: string; partition: number } | null;
  /**
   * Values are `ValueAndTimestamp` bytes, while the changelog holds the plain value with the timestamp as
   * the record's: restoration puts the timestamp back in front (Java's `RecordConverters`).
   */
  readonly timestamped: boolean;
}

/** A changelog value as a timestamped store holds it: 8-byte big-endian timestamp, then the value. */
function withTimestamp(value: Buffer | null, timestamp: number): Buffer | null {
  if (value === null) return null;
  const out = Buffer.allocUnsafe(8 + value.length);
  out.writeBigInt64BE(BigInt(timestamp), 0);
  value.copy(out, 8);
  return out;
}

/** Changelog records written between two checkpoints before the next commit writes one (as Java). */
const CHECKPOINT_RECORDS = 10_000;

/**
 * Java's `ProcessorStateManager`: the stores of one task, their changelog partitions and offsets. It restores
 * logged stores from their changelogs before the task processes anything (from the checkpointed offset for
 * persistent stores, from the start for in-memory ones) and writes the task's `.checkpoint` file.
 *
 * Under exactly-once a checkpoint is trusted only if the task was closed cleanly: it is deleted once loaded,
 * and written again on a clean close, so after a crash the task's persistent state is wiped and rebuilt from
 * the changelog (whose aborted writes a read_committed reader skips).
 */
export class ProcessorStateManager {
  private readonly stores = new Map<string, StoreMetadata>();
  private readonly checkpointFile: OffsetCheckpoint;
  /** The offset of the last changelog record each store holds. */
  private readonly offsets = new Map<TopicPartitionKey, number>();
  private loaded = new Map<TopicPartitionKey, number>();
  private recordsSinceCheckpoint = 0;

  constructor(
    private readonly taskDir: string,
    private readonly eos: boolean,
    /** The changelog partition of each logged store (null: not logged). */
    private readonly changelogFor: (storeName: string) => { topic: string; partition: number } | null,
  ) {
    this.checkpointFile = new OffsetCheckpoint(join(taskDir, '.checkpoint'));
  }

  /**
   * Before the stores open: loads the checkpoint. Under exactly-once, a task dir without one was not closed
   * cleanly, so its persistent stores are wiped (they may hold uncommitted writes).
   */
  prepare(hasPersistentStores: boolean): void {
    if (!hasPersistentStores) return;
    mkdirSync(this.taskDir, { recursive: true });
    if (this.eos && !existsSync(this.checkpointFile.file)) {
      for (const entry of readdirSync(this.taskDir)) if (!entry.startsWith('.')) rmSync(join(this.taskDir, entry), { recursive: true, force: true });
    }
    this.loaded = this.checkpointFile.read();
    if (this.eos) this.checkpointFile.delete();
  }

  registerStore(store: StateStore, restore: StateRestoreCallback | undefined): void {
    this.stores.set(store.name(), { store, restore: restore ?? null, changelog: this.changelogFor(store.name()), timestamped: isTimestampedStore(store) });
  }

  /** Replays each logged store's changelog from where its state ends; reports progress to `listener`. */
  async restore(reader: ChangelogReader, listener: StateRestoreListener = {}): Promise<void> {
    for (const { store, restore, changelog, timestamped } of this.stores.values()) {
      if (changelog === null || restore === null) continue;
      const key = tpKey(changelog.topic, changelog.partition);
      const checkpointed = store.persistent() ? this.loaded.get(key) : undefined;
      const start = checkpointed === undefined ? 0 : checkpointed + 1;
      const end = await reader.endOffset(changelog.topic, changelog.partition);
      if (checkpointed !== undefined) this.offsets.set(key, checkpointed);
      if (start >= end) continue;
      const name = store.name();
      listener.onRestoreStart?.(changelog, name, start, end);
      let total = 0;
      await reader.read(changelog.topic, changelog.partition, start, end, async (records) => {
        for (const r of records) if (r.key !== null) restore(r.key, timestamped ? withTimestamp(r.value, r.timestamp) : r.value);
        // persistent stores apply restored records in the background: wait before reporting progress
        await store.flush();
        if (records.length === 0) return;
        const last = records[records.length - 1]!.offset;
        this.offsets.set(key, last);
        total += records.length;
        listener.onBatchRestored?.(changelog, name, last, records.length);
      });
      listener.onRestoreEnd?.(changelog, name, total);
    }
  }

  /** After a commit: the offsets of the changelog records the collector has written. */
  updateChangelogOffsets(written: ReadonlyMap<TopicPartitionKey, number>): void {
    for (const { changelog } of this.stores.values()) {
      if (changelog === null) continue;
      const key = tpKey(changelog.topic, changelog.partition);
      const offset = written.get(key);
      const previous = this.offsets.get(key);
      if (offset !== undefined && offset !== previous) {
        this.recordsSinceCheckpoint += previous === undefined ? offset + 1 : offset - previous;
        this.offsets.set(key, offset);
      }
    }
  }

  /**
   * Writes the checkpoint of the persistent logged stores: always when `force` (clean close), else under
   * at-least-once once enough changelog records were written since the last one.
   */
  maybeCheckpoint(force: boolean): Promise<void> | void {
    if (!force && (this.eos || this.recordsSinceCheckpoint < CHECKPOINT_RECORDS)) return;
    return this.checkpoint();
  }

  /** Makes the stores durable (their own files, not just their caches), then writes the checkpoint. */
  private async checkpoint(): Promise<void> {
    for (const { store } of this.stores.values()) if (store.isOpen()) await store.flush();
    const toWrite = new Map<TopicPartitionKey, number>();
    for (const { store, changelog } of this.stores.values()) {
      if (changelog === null || !store.persistent()) continue;
      const key = tpKey(changelog.topic, changelog.partition);
      const offset = this.offsets.get(key);
      if (offset !== undefined) toWrite.set(key, offset);
    }
    if (toWrite.size === 0) return;
    mkdirSync(this.taskDir, { recursive: true });
    this.checkpointFile.write(toWrite);
    this.recordsSinceCheckpoint = 0;
  }

  /** The offset of the last changelog record each logged store holds (for tests and lag reporting). */
  changelogOffsets(): ReadonlyMap<TopicPartitionKey, number> {
    return this.offsets;
  }
}
