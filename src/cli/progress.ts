/** State-restoration progress on stderr: a redrawn bar on a terminal, a few milestone lines otherwise. */
import type { StateRestoreListener } from '../processor/internals/changelog-reader.js';

interface Restoring {
  readonly label: string;
  readonly total: number;
  done: number;
  lastStep: number;
  readonly started: number;
}

export class RestoreProgress implements StateRestoreListener {
  private readonly active = new Map<string, Restoring>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly width = 30,
  ) {}

  onRestoreStart(tp: { topic: string; partition: number }, storeName: string, startingOffset: number, endingOffset: number): void {
    const r: Restoring = { label: `${storeName} (${tp.topic}-${tp.partition})`, total: Math.max(0, endingOffset - startingOffset), done: 0, lastStep: -1, started: Date.now() };
    this.active.set(`${tp.topic}:${tp.partition}`, r);
    this.write(`restoring ${r.label}: ${r.total} records to replay\n`);
    this.draw(r);
  }

  onBatchRestored(tp: { topic: string; partition: number }, _storeName: string, _batchEndOffset: number, numRestored: number): void {
    const r = this.active.get(`${tp.topic}:${tp.partition}`);
    if (r === undefined) return;
    r.done += numRestored;
    this.draw(r);
  }

  onRestoreEnd(tp: { topic: string; partition: number }, _storeName: string, totalRestored: number): void {
    const key = `${tp.topic}:${tp.partition}`;
    const r = this.active.get(key);
    if (r === undefined) return;
    this.active.delete(key);
    // the offset range also counts transaction markers (exactly-once): the end is 100% whatever the count
    r.done = r.total;
    this.draw(r);
    if (this.tty) this.write('\n');
    this.write(`restored ${r.label}: ${totalRestored} records in ${Date.now() - r.started} ms\n`);
  }

  /** `[██████░░░░]  60% 600/1000`; on a terminal redrawn in place, else one line per quarter. */
  private draw(r: Restoring): void {
    const fraction = r.total === 0 ? 1 : Math.min(1, r.done / r.total);
    const filled = Math.round(fraction * this.width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${r.done}/${r.total}`;
    if (this.tty) {
      this.write(`\r  ${bar}`);
      return;
    }
    const step = Math.floor(fraction * 4);
    if (step > r.lastStep) {
      r.lastStep = step;
      this.write(`  ${r.label} ${bar}\n`);
    }
  }
}
