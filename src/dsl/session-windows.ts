import { IllegalArgumentError } from '../errors/streams-error.js';
import { checkMillis } from './time-windows.js';

/**
 * Java's `SessionWindows`: per key, records closer than the inactivity gap belong to one session
 * `[first, last]`; a record that bridges two sessions merges them.
 */
export class SessionWindows {
  private constructor(
    private readonly gapMs: number,
    private readonly graceMs: number,
  ) {
    if (gapMs <= 0) throw new IllegalArgumentError('Gap time cannot be zero or negative.');
    if (graceMs < 0) throw new IllegalArgumentError('Grace period must not be negative.');
  }

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, afterWindowEndMs: number): SessionWindows {
    return new SessionWindows(checkMillis(inactivityGapMs, 'inactivityGap'), checkMillis(afterWindowEndMs, 'afterWindowEnd'));
  }

  inactivityGap(): number {
    return this.gapMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SessionWindows{gapMs=${this.gapMs}, graceMs=${this.graceMs}}`;
  }
}
