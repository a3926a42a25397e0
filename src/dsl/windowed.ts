import { IllegalArgumentError } from '../errors/streams-error.js';

/**
 * Java's `Window`: a time interval `[start, end]` in epoch milliseconds. Whether `end` is inclusive depends
 * on the kind of window (time windows: exclusive; session and sliding windows: inclusive), as in Java.
 * `start` and `end` are properties here (Java's `start()` / `end()` methods), per the API contract.
 */
export abstract class Window {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    if (start < 0) throw new IllegalArgumentError('Window startMs time cannot be negative.');
    if (end < start) throw new IllegalArgumentError('Window endMs time cannot be smaller than window startMs time.');
  }

  /** Whether the two windows (of the same kind) share at least one instant. */
  abstract overlap(other: Window): boolean;

  equals(other: unknown): boolean {
    return other instanceof Window && other.constructor === this.constructor && other.start === this.start && other.end === this.end;
  }

  toString(): string {
    return `Window{startMs=${this.start}, endMs=${this.end}}`;
  }
}

/** Java's `TimeWindow`: `[start, end)`, used by tumbling, hopping and (with an inclusive end) sliding windows. */
export class TimeWindow extends Window {
  constructor(start: number, end: number) {
    super(start, end);
    if (start === end) throw new IllegalArgumentError('Window endMs must be greater than window startMs.');
  }

  overlap(other: Window): boolean {
    if (!(other instanceof TimeWindow)) throw new IllegalArgumentError('Cannot compare windows of different type.');
    return this.start < other.end && other.start < this.end;
  }
}

/** Java's `SessionWindow`: `[start, end]`, both inclusive; a session of one record has start === end. */
export class SessionWindow extends Window {
  overlap(other: Window): boolean {
    if (!(other instanceof SessionWindow)) throw new IllegalArgumentError('Cannot compare windows of different type.');
    return !(other.end < this.start || this.end < other.start);
  }
}

/**
 * Java's `Windowed<K>`: the key of a windowed aggregation's result, `{ key, window: { start, end } }`.
 * Plain objects of that shape are accepted wherever a `Windowed` is read.
 */
export class Windowed<K> {
  constructor(
    readonly key: K,
    readonly window: Window,
  ) {}

  toString(): string {
    return `[${String(this.key)}@${this.window.start}/${this.window.end}]`;
  }
}

/** The shape of a windowed key as the API contract states it (a `Windowed` or a plain object). */
export interface WindowedLike<K> {
  readonly key: K;
  readonly window: { readonly start: number; readonly end: number };
}
