import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProcessorStateError } from '../../errors/streams-error.js';

/** `topic:partition` — the key of a changelog partition in checkpoint maps. */
export type TopicPartitionKey = string;

export const tpKey = (topic: string, partition: number): TopicPartitionKey => `${topic}:${partition}`;

export function parseTpKey(key: TopicPartitionKey): { topic: string; partition: number } {
  const i = key.lastIndexOf(':');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/**
 * Java's `OffsetCheckpoint`: the `.checkpoint` file of a task, mapping each changelog partition to the
 * offset of the last changelog record its store holds. Same text format as Java (version 0, a count, then
 * `topic partition offset` lines); written to a temp file and renamed, so a crash never leaves half a file.
 */
export class OffsetCheckpoint {
  constructor(readonly file: string) {}

  read(): Map<TopicPartitionKey, number> {
    const out = new Map<TopicPartitionKey, number>();
    if (!existsSync(this.file)) return out;
    const lines = readFileSync(this.file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const [version, count, ...entries] = lines;
    if (version?.trim() !== '0') throw new ProcessorStateError(`Unknown checkpoint version in ${this.file}: ${version}`);
    if (Number(count) !== entries.length) throw new ProcessorStateError(`Corrupt checkpoint ${this.file}: expected ${count} entries, found ${entries.length}`);
    for (const line of entries) {
      const parts = line.trim().split(' ');
      if (parts.length !== 3) throw new ProcessorStateError(`Corrupt checkpoint ${this.file}: bad line '${line}'`);
      const [topic, partition, offset] = parts as [string, string, string];
      out.set(tpKey(topic, Number(partition)), Number(offset));
    }
    return out;
  }

  write(offsets: ReadonlyMap<TopicPartitionKey, number>): void {
    const lines = ['0', String(offsets.size)];
    for (const [key, offset] of offsets) {
      const { topic, partition } = parseTpKey(key);
      lines.push(`${topic} ${partition} ${offset}`);
    }
    // synced before and after the rename, as Java's: a machine crash leaves the old file or the new one
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, lines.join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    syncDirectory(dirname(this.file));
  }

  delete(): void {
    rmSync(this.file, { force: true });
  }
}

/** Makes a rename in `dir` durable (where the platform lets a directory be opened and synced). */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // e.g. Windows: directories cannot be opened
  }
  try {
    fsyncSync(fd);
  } catch {
    // some file systems refuse to sync a directory; the rename itself is still atomic
  } finally {
    closeSync(fd);
  }
}
