import type { MaybePromise } from '../../util/maybe-promise.js';
import type { Cancellable, Punctuator } from '../api.js';
import type { ProcessorNode } from './processor-node.js';

/** One schedule: fires at `time`, then every `interval`, skipping missed intervals as Java does. */
export class PunctuationSchedule implements Cancellable {
  cancelled = false;
  constructor(
    readonly node: ProcessorNode,
    public time: number,
    readonly interval: number,
    readonly punctuator: Punctuator,
  ) {}
  cancel(): void {
    this.cancelled = true;
  }
  /** Java's `next`: after a gap of several intervals, the next time is the first one still ahead. */
  advance(now: number): void {
    let next = this.time + this.interval;
    if (now >= next) next = this.time + (Math.floor((now - this.time) / this.interval) + 1) * this.interval;
    this.time = next;
  }
}

/** Java's `PunctuationQueue`: schedules ordered by their next time. */
export class PunctuationQueue {
  private schedules: PunctuationSchedule[] = [];

  add(schedule: PunctuationSchedule): void {
    this.schedules.push(schedule);
  }

  /** Fires every due schedule with the current time `now`; returns whether any fired (at once if none is due). */
  mayPunctuate(now: number, fire: (s: PunctuationSchedule, now: number) => unknown): MaybePromise<boolean> {
    for (const s of this.schedules) if (!s.cancelled && s.time <= now) return this.punctuateDue(now, fire);
    return false;
  }

  private async punctuateDue(now: number, fire: (s: PunctuationSchedule, now: number) => unknown): Promise<boolean> {
    let punctuated = false;
    for (;;) {
      this.schedules = this.schedules.filter((s) => !s.cancelled);
      let top: PunctuationSchedule | null = null;
      for (const s of this.schedules) if (top === null || s.time < top.time) top = s;
      if (top === null || top.time > now) return punctuated;
      await fire(top, now);
      if (!top.cancelled) top.advance(now);
      punctuated = true;
    }
  }

  get size(): number {
    return this.schedules.filter((s) => !s.cancelled).length;
  }
}
