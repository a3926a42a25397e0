import { IllegalArgumentError } from '../errors/streams-error.js';
import { TimeWindow, type Window } from './windowed.js';

/** Java's `Windows`: the fixed-size windows a windowed aggregation assigns records to. */
export abstract class Windows<W extends Window = Window> {
  /** The windows a record at `timestamp` belongs to, by window start (ascending). */
  abstract windowsFor(timestamp: number): Map<number, W>;
  /** The size of a window in ms. */
  abstract size(): number;
  /** How long after a window's end late records are still accepted, in ms. */
  abstract gracePeriodMs(): number;
}

/** Java checks Durations for overflow; here a duration must be a finite integer number of ms. */
export function checkMillis(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new IllegalArgumentError(`${name} must be an integer number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * Java's `TimeWindows`: tumbling (`advance === size`) or hopping (`advance < size`) windows `[start, start +
 * size)` aligned to the epoch. A record belongs to every window containing its timestamp.
 */
export class TimeWindows extends Windows<TimeWindow> {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    private readonly graceMs: number,
  ) {
    super();
    if (sizeMs <= 0) throw new IllegalArgumentError('Window size (sizeMs) must be larger than zero.');
    if (advanceMs <= 0 || advanceMs > sizeMs) {
      throw new IllegalArgumentError(
        `Window advancement interval should be more than zero and less than window duration which is ${sizeMs} ms, but given advancement interval is: ${advanceMs} ms`,
      );
    }
    if (graceMs < 0) throw new IllegalArgumentError('Grace period must not be negative.');
  }

  /** Tumbling windows of `sizeMs` with no grace period: records after a window's end are dropped. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` accepting records up to `afterWindowEndMs` after a window's end. */
  static ofSizeAndGrace(sizeMs: number, afterWindowEndMs: number): TimeWindows {
    return new TimeWindows(checkMillis(sizeMs, 'size'), sizeMs, checkMillis(afterWindowEndMs, 'afterWindowEnd'));
  }

  /** Hopping windows: a new window starts every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    return new TimeWindows(this.sizeMs, checkMillis(advanceMs, 'advance'), this.graceMs);
  }

  windowsFor(timestamp: number): Map<number, TimeWindow> {
    const { sizeMs, advanceMs } = this;
    let windowStart = Math.trunc(Math.max(0, timestamp - sizeMs + advanceMs) / advanceMs) * advanceMs;
    const windows = new Map<number, TimeWindow>();
    while (windowStart <= timestamp) {
      windows.set(windowStart, new TimeWindow(windowStart, windowStart + sizeMs));
      windowStart += advanceMs;
    }
    return windows;
  }

  size(): number {
    return this.sizeMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  override toString(): string {
    return `TimeWindows{, sizeMs=${this.sizeMs}, advanceMs=${this.advanceMs}, graceMs=${this.graceMs}}`;
  }
}
