import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessorStateError } from '../../src/errors/streams-error.js';
import { LOCK_FILE_NAME, StateDirectory } from '../../src/state/internals/state-directory.js';

const opened: StateDirectory[] = [];
const dirs: string[] = [];

function newStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstreams-statedir-test-'));
  dirs.push(dir);
  return dir;
}

function open(stateDir: string, appId = 'app'): StateDirectory {
  const d = new StateDirectory(stateDir, appId);
  opened.push(d);
  return d;
}

/** A pid that ran and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

function writeLock(taskDir: string, pid: number, instanceId = 'someone-else', host = hostname()): void {
  mkdirSync(taskDir, { recursive: true });
  writeFileSync(join(taskDir, LOCK_FILE_NAME), JSON.stringify({ pid, host, instanceId, acquiredAt: 1 }));
}

afterEach(() => {
  for (const d of opened.splice(0)) d.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('StateDirectory', () => {
  it('lays out <state.dir>/<application.id>/<taskId>/', () => {
    const stateDir = newStateDir();
    const d = open(stateDir, 'my-app');
    expect(d.applicationDirectory()).toBe(join(stateDir, 'my-app'));
    expect(d.taskDirectory('0_1')).toBe(join(stateDir, 'my-app', '0_1'));
    expect(existsSync(join(stateDir, 'my-app', '0_1'))).toBe(true);
    d.taskDirectory('1_0');
    expect(d.listTaskDirectories()).toEqual(['0_1', '1_0']);
    expect(() => d.taskDirectory('../x')).toThrow(/Invalid task id/);
  });

  it('reads state.dir and application.id from a config', () => {
    const stateDir = newStateDir();
    const config = { getString: (k: string) => ({ 'state.dir': stateDir, 'application.id': 'cfg-app' })[k]! };
    const d = StateDirectory.fromConfig(config);
    opened.push(d);
    expect(d.taskDirectory('0_0')).toBe(join(stateDir, 'cfg-app', '0_0'));
  });

  it('a task lock is a file with the pid; a second live instance cannot take it until it is released', () => {
    const stateDir = newStateDir();
    const a = open(stateDir);
    const b = open(stateDir);
    expect(a.lock('0_0')).toBe(true);
    expect(a.lock('0_0')).toBe(true); // re-entrant for its holder
    const lockFile = join(stateDir, 'app', '0_0', LOCK_FILE_NAME);
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
    expect(b.lock('0_0')).toBe(false);
    expect(b.lockOwner('0_0')?.pid).toBe(process.pid);
    expect(b.lock('0_1')).toBe(true); // other tasks are free
    a.unlock('0_0');
    expect(existsSync(lockFile)).toBe(false);
    expect(b.lock('0_0')).toBe(true);
    expect(b.lockedTasks()).toEqual(['0_0', '0_1']);
  });

  it('close releases every lock of the instance', () => {
    const stateDir = newStateDir();
    const a = open(stateDir);
    a.lock('0_0');
    a.lock('0_1');
    a.close();
    expect(existsSync(join(stateDir, 'app', '0_0', LOCK_FILE_NAME))).toBe(false);
    const b = open(stateDir);
    expect(b.lock('0_0')).toBe(true);
    expect(b.lock('0_1')).toBe(true);
    expect(() => a.lock('0_0')).toThrow(ProcessorStateError);
  });

  it('takes over a stale lock whose process is gone', () => {
    const stateDir = newStateDir();
    const taskDir = join(stateDir, 'app', '0_0');
    writeLock(taskDir, deadPid());
    const d = open(stateDir);
    expect(d.lockOwner('0_0')).toBeNull();
    expect(d.lock('0_0')).toBe(true);
    expect(JSON.parse(readFileSync(join(taskDir, LOCK_FILE_NAME), 'utf8')).pid).toBe(process.pid);
  });

  it('takes over a lock of an instance of this process that was never closed, and a broken lock file', () => {
    const stateDir = newStateDir();
    writeLock(join(stateDir, 'app', '0_0'), process.pid, 'an-instance-that-is-gone');
    mkdirSync(join(stateDir, 'app', '0_1'), { recursive: true });
    writeFileSync(join(stateDir, 'app', '0_1', LOCK_FILE_NAME), 'not json');
    const d = open(stateDir);
    expect(d.lock('0_0')).toBe(true);
    expect(d.lock('0_1')).toBe(true);
  });

  it('does not take a lock held by another live process, nor one of another host', () => {
    const stateDir = newStateDir();
    writeLock(join(stateDir, 'app', '0_0'), process.ppid); // a live process that is not this one
    writeLock(join(stateDir, 'app', '0_1'), deadPid(), 'x', 'some-other-host');
    const d = open(stateDir);
    expect(d.lock('0_0')).toBe(false);
    expect(d.lockOwner('0_0')?.pid).toBe(process.ppid);
    expect(d.lock('0_1')).toBe(false);
  });

  it('cleanUp wipes the application state directory, and only that application', () => {
    const stateDir = newStateDir();
    const d = open(stateDir);
    const other = open(stateDir, 'other-app');
    writeFileSync(join(d.taskDirectory('0_0'), 'data'), 'x');
    d.taskDirectory('1_2');
    other.taskDirectory('0_0');
    writeLock(join(stateDir, 'app', '1_2'), deadPid()); // stale locks do not stop it
    d.cleanUp();
    expect(existsSync(join(stateDir, 'app'))).toBe(false);
    expect(existsSync(join(stateDir, 'other-app', '0_0'))).toBe(true);
    d.cleanUp(); // nothing to clean: fine
    expect(d.lock('0_0')).toBe(true); // usable afterwards
  });

  it('cleanUp refuses while a task is locked by a live instance, and deletes nothing', () => {
    const stateDir = newStateDir();
    const d = open(stateDir);
    const user = open(stateDir);
    d.taskDirectory('0_0');
    expect(user.lock('0_1')).toBe(true);
    expect(() => d.cleanUp()).toThrow(ProcessorStateError);
    expect(() => d.cleanUp()).toThrow(/task 0_1 is locked by a live instance/);
    expect(existsSync(join(stateDir, 'app', '0_0'))).toBe(true);
    expect(existsSync(join(stateDir, 'app', '0_0', LOCK_FILE_NAME))).toBe(false); // its own probe locks were released
    // its own locks too: an instance cannot wipe the state it is using
    expect(() => user.cleanUp()).toThrow(/while this instance uses tasks 0_1/);
    // a lock of another live process
    user.unlock('0_1');
    writeLock(join(stateDir, 'app', '0_2'), process.ppid);
    expect(() => d.cleanUp()).toThrow(/task 0_2 .*pid/);
    rmSync(join(stateDir, 'app', '0_2', LOCK_FILE_NAME));
    d.cleanUp();
    expect(existsSync(join(stateDir, 'app'))).toBe(false);
  });
});
