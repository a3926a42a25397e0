import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { IllegalArgumentError, ProcessorStateError } from '../../errors/streams-error.js';

/** The name of a task directory's lock file (Java's). */
export const LOCK_FILE_NAME = '.lock';

/** What a lock file holds: who holds the task directory. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** Tells apart the state directories of one process (several instances of an application in one process). */
  readonly instanceId: string;
  readonly acquiredAt: number;
}

/** The instances of this process that are open: a lock of this process whose instance is not here is stale. */
const liveInstances = new Set<string>();

/**
 * Java's `StateDirectory`, its essentials: the layout `<state.dir>/<application.id>/<taskId>/`, a lock per
 * task directory so that two live instances never use the same task's state, and `cleanUp()`.
 *
 * Locks are files (`<task dir>/.lock`) holding the owner's pid, host and instance id, created atomically
 * (written aside, then hard-linked into place, which fails if a lock is there). A lock is stale — and is
 * taken over — when its owner is gone: a pid of this host that no longer runs, or an instance of this very
 * process that was never closed. A lock of another host (a shared file system) is never taken over.
 * (Java holds a file-channel lock per task directory for the same purpose; Node has no portable file
 * locks, hence the pid.)
 */
export class StateDirectory {
  private readonly appDir: string;
  private readonly instanceId = randomUUID();
  private readonly held = new Set<string>();
  private closed = false;

  constructor(
    readonly stateDir: string,
    readonly applicationId: string,
  ) {
    if (!stateDir) throw new IllegalArgumentError('state.dir cannot be empty');
    if (!applicationId) throw new IllegalArgumentError('application.id cannot be empty');
    this.appDir = join(stateDir, applicationId);
    liveInstances.add(this.instanceId);
  }

  /** From a config with `state.dir` and `application.id` (e.g. a `StreamsConfig`). */
  static fromConfig(config: { getString(key: string): string }): StateDirectory {
    return new StateDirectory(config.getString('state.dir'), config.getString('application.id'));
  }

  /** `<state.dir>/<application.id>`, created if missing. */
  applicationDirectory(): string {
    this.mkdir(this.appDir);
    return this.appDir;
  }

  /** `<state.dir>/<application.id>/<taskId>`, created if missing (Java's `getOrCreateDirectoryForTask`). */
  taskDirectory(taskId: string): string {
    checkTaskId(taskId);
    const dir = join(this.appDir, taskId);
    this.mkdir(dir);
    return dir;
  }

  /** The task directories present on disk (their names are task ids). */
  listTaskDirectories(): string[] {
    if (!existsSync(this.appDir)) return [];
    return readdirSync(this.appDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  }

  /**
   * Locks a task's directory for this instance (creating it). True when this instance holds the lock
   * (also when it already did); false when a live owner holds it.
   */
  lock(taskId: string): boolean {
    this.checkNotClosed();
    if (this.held.has(taskId)) return true;
    const dir = this.taskDirectory(taskId);
    const lockFile = join(dir, LOCK_FILE_NAME);
    const owner: LockOwner = { pid: process.pid, host: hostname(), instanceId: this.instanceId, acquiredAt: Date.now() };
    const content = JSON.stringify(owner);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.tryCreate(dir, lockFile, content)) {
        this.held.add(taskId);
        return true;
      }
      const current = readLock(lockFile);
      if (current === undefined) continue; // released in the meantime: try again
      if (current !== null && isAlive(current)) return false;
      if (!this.removeStale(dir, lockFile, current)) return false;
    }
    return false;
  }

  /** Releases a task's lock held by this instance (nothing if it does not hold it). */
  unlock(taskId: string): void {
    if (!this.held.delete(taskId)) return;
    const lockFile = join(this.appDir, taskId, LOCK_FILE_NAME);
    const current = readLock(lockFile);
    if (current !== undefined && current !== null && current.instanceId === this.instanceId) {
      try {
        unlinkSync(lockFile);
      } catch (e) {
        if (codeOf(e) !== 'ENOENT') throw new ProcessorStateError(`Could not release the lock of task ${taskId} (${lockFile})`, { cause: e });
      }
    }
  }

  /** The tasks whose directory this instance has locked. */
  lockedTasks(): string[] {
    return [...this.held].sort();
  }

  /** Who holds a task's lock: null when nobody does, or only a stale owner. */
  lockOwner(taskId: string): LockOwner | null {
    const current = readLock(join(this.appDir, taskId, LOCK_FILE_NAME));
    return current !== undefined && current !== null && isAlive(current) ? current : null;
  }

  /**
   * Java's `KafkaStreams.cleanUp()` (through `StateDirectory.clean()`): deletes the application's whole
   * state directory. Refuses, with a `ProcessorStateError` and touching nothing, while any task directory is
   * locked by a live instance (this one included): every task directory is locked first, so no one can
   * take one while it is deleted.
   */
  cleanUp(): void {
    this.checkNotClosed();
    if (!existsSync(this.appDir)) return;
    const mine = this.lockedTasks();
    if (mine.length > 0) {
      throw new ProcessorStateError(
        `Cannot clean up the state directory ${this.appDir} while this instance uses tasks ${mine.join(', ')}`,
      );
    }
    const taken: string[] = [];
    for (const taskId of this.listTaskDirectories()) {
      if (this.lock(taskId)) {
        taken.push(taskId);
        continue;
      }
      for (const t of taken) this.unlock(t);
      const owner = this.lockOwner(taskId);
      throw new ProcessorStateError(
        `Cannot clean up the state directory ${this.appDir}: task ${taskId} is locked by a live instance` +
          (owner === null ? '' : ` (pid ${owner.pid} on ${owner.host})`),
      );
    }
    try {
      rmSync(this.appDir, { recursive: true, force: true });
    } catch (e) {
      throw new ProcessorStateError(`Could not delete the state directory ${this.appDir}`, { cause: e });
    } finally {
      for (const t of taken) this.held.delete(t);
    }
  }

  /** Releases every lock of this instance. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const taskId of this.lockedTasks()) this.unlock(taskId);
    this.closed = true;
    liveInstances.delete(this.instanceId);
  }

  private tryCreate(dir: string, lockFile: string, content: string): boolean {
    const temp = join(dir, `${LOCK_FILE_NAME}.${this.instanceId}.tmp`);
    writeFileSync(temp, content);
    try {
      linkSync(temp, lockFile);
      return true;
    } catch (e) {
      if (codeOf(e) === 'EEXIST') return false;
      throw new ProcessorStateError(`Could not create the lock file ${lockFile}`, { cause: e });
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /**
   * Removes a stale lock: moves it aside first, and puts it back if what was moved is not the stale lock
   * (another instance took the lock over in between). True when the stale lock is gone.
   */
  private removeStale(dir: string, lockFile: string, stale: LockOwner | null): boolean {
    const aside = join(dir, `${LOCK_FILE_NAME}.${this.instanceId}.stale`);
    try {
      renameSync(lockFile, aside);
    } catch (e) {
      if (codeOf(e) === 'ENOENT') return true;
      throw new ProcessorStateError(`Could not remove the stale lock file ${lockFile}`, { cause: e });
    }
    const moved = readLock(aside);
    const same = moved === null || (moved !== undefined && stale !== null && moved.instanceId === stale.instanceId && moved.pid === stale.pid);
    if (!same) {
      try {
        linkSync(aside, lockFile);
      } catch {
        // a third instance took it meanwhile: it holds the lock, we do not
      }
      rmSync(aside, { force: true });
      return false;
    }
    rmSync(aside, { force: true });
    return true;
  }

  private mkdir(dir: string): void {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ProcessorStateError(`Could not create the state directory ${dir}`, { cause: e });
    }
  }

  private checkNotClosed(): void {
    if (this.closed) throw new ProcessorStateError(`The state directory ${this.appDir} has been closed`);
  }
}

/** The lock's owner; undefined when there is no lock file; null when it cannot be read (a broken lock). */
function readLock(lockFile: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (e) {
    if (codeOf(e) === 'ENOENT') return undefined;
    return statSync(lockFile, { throwIfNoEntry: false }) === undefined ? undefined : null;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.instanceId !== 'string') return null;
    return { pid: owner.pid, host: String(owner.host ?? ''), instanceId: owner.instanceId, acquiredAt: Number(owner.acquiredAt ?? 0) };
  } catch {
    return null;
  }
}

/** Whether a lock's owner still runs (the owner of another host is taken to run). */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return liveInstances.has(owner.instanceId);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return codeOf(e) === 'EPERM'; // it runs, as another user
  }
}

function checkTaskId(taskId: string): void {
  if (!taskId || taskId.includes('/') || taskId.includes('\\') || taskId === '.' || taskId === '..') {
    throw new IllegalArgumentError(`Invalid task id for a state directory: ${JSON.stringify(taskId)}`);
  }
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}
