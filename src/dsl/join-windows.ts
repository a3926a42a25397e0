import { IllegalArgumentError, StreamsError } from '../errors/streams-error.js';
import { checkMillis } from './time-windows.js';

/** Java's default grace of the deprecated `JoinWindows.of`: one day, minus the window size. */
const DEPRECATED_DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Java's `JoinWindows`: a record at time t joins the other stream's records with the same key whose time
 * lies in `[t - beforeMs, t + afterMs]` (both inclusive). The grace period says how long after a window's end
 * out-of-order records are still waited for; left/outer joins emit a record without partner only once its
 * window and grace have passed in stream time. Immutable.
 */
export class JoinWindows {
  private constructor(
    /** How far back in time a left record looks for right records. */
    readonly beforeMs: number,
    /** How far ahead in time a left record looks for right records. */
    readonly afterMs: number,
    private readonly graceMs: number,
    /**
     * Java ≥ 3.1: unmatched left/outer results wait for the window to close. Off only for the deprecated
     * `of()`, which keeps the old eager (spurious) results.
     */
    readonly spuriousResultFixEnabled: boolean,
  ) {
    if (beforeMs + afterMs < 0) throw new IllegalArgumentError('Window endMs time cannot be smaller than window startMs time.');
    if (graceMs < 0) throw new IllegalArgumentError('Grace period must not be negative.');
  }

  /** Records join when their times differ by at most `timeDifferenceMs`; no grace: late records are not waited for. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** As `ofTimeDifferenceWithNoGrace`, waiting `afterWindowEndMs` for out-of-order records. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, afterWindowEndMs: number): JoinWindows {
    checkMillis(timeDifferenceMs, 'timeDifference');
    checkMillis(afterWindowEndMs, 'afterWindowEnd');
    if (timeDifferenceMs < 0) throw new IllegalArgumentError('Window time difference must not be negative.');
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, afterWindowEndMs, true);
  }

  /**
   * @deprecated as in Java since 3.0: use `ofTimeDifferenceWithNoGrace` / `ofTimeDifferenceAndGrace`. The
   * grace is a day minus the window size, and left/outer joins emit unmatched records at once.
   */
  static of(timeDifferenceMs: number): JoinWindows {
    checkMillis(timeDifferenceMs, 'timeDifference');
    if (timeDifferenceMs < 0) throw new IllegalArgumentError('Window time difference must not be negative.');
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, Math.max(DEPRECATED_DEFAULT_GRACE_MS - 2 * timeDifferenceMs, 0), false);
  }

  /** Sets how far back a left record looks (may be negative, as long as the window stays non-empty). */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(checkMillis(timeDifferenceMs, 'timeDifference'), this.afterMs, this.graceMs, this.spuriousResultFixEnabled);
  }

  /** Sets how far ahead a left record looks (may be negative, as long as the window stays non-empty). */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, checkMillis(timeDifferenceMs, 'timeDifference'), this.graceMs, this.spuriousResultFixEnabled);
  }

  /** @deprecated as in Java: only allowed after the deprecated `of()`. */
  grace(afterWindowEndMs: number): JoinWindows {
    if (this.spuriousResultFixEnabled) {
      throw new StreamsError('Cannot call grace() after setting grace value via ofTimeDifferenceAndGrace or ofTimeDifferenceWithNoGrace.');
    }
    checkMillis(afterWindowEndMs, 'afterWindowEnd');
    return new JoinWindows(this.beforeMs, this.afterMs, afterWindowEndMs, false);
  }

  /** The window size, `beforeMs + afterMs` (what the join's window stores are built with). */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  /** Java throws: join windows are not assigned to records. */
  windowsFor(_timestamp: number): never {
    throw new StreamsError('windowsFor() is not supported by JoinWindows.');
  }

  toString(): string {
    return `JoinWindows{beforeMs=${this.beforeMs}, afterMs=${this.afterMs}, graceMs=${this.graceMs}}`;
  }
}
