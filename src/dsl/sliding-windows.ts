import { IllegalArgumentError } from '../errors/streams-error.js';
import { checkMillis } from './time-windows.js';

/**
 * Java's `SlidingWindows`: windows `[t - timeDifference, t]` (both ends inclusive) anchored on the records
 * themselves: each record creates its own window ending at its timestamp and, when a later record falls
 * within `timeDifference`, a window starting just after it. Used with `groupByKey().windowedBy(...)`.
 */
export class SlidingWindows {
  private constructor(
    private readonly timeDifference: number,
    private readonly graceMs: number,
  ) {
    if (timeDifference < 0) throw new IllegalArgumentError('Window time difference must not be negative.');
    if (graceMs < 0) throw new IllegalArgumentError('Window grace period must not be negative.');
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, afterWindowEndMs: number): SlidingWindows {
    return new SlidingWindows(checkMillis(timeDifferenceMs, 'timeDifference'), checkMillis(afterWindowEndMs, 'afterWindowEnd'));
  }

  timeDifferenceMs(): number {
    return this.timeDifference;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SlidingWindows{, sizeMs=${this.timeDifference}, graceMs=${this.graceMs}}`;
  }
}
