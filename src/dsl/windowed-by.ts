import { IllegalArgumentError } from '../errors/streams-error.js';
import type { GroupedStreamInfo } from './grouped-aggregate.js';
import { SessionWindowedKStream } from './session-windowed-kstream.js';
import { SessionWindows } from './session-windows.js';
import { SlidingWindows } from './sliding-windows.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import { TimeWindows } from './time-windows.js';

/** Java's `KGroupedStream.windowedBy` overloads: time and sliding windows, or session windows. */
export function windowedBy<K, V>(
  windows: TimeWindows | SlidingWindows | SessionWindows,
  grouped: GroupedStreamInfo<K, V>,
): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
  if (windows instanceof SessionWindows) return new SessionWindowedKStream(windows, grouped);
  if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedKStream(windows, grouped);
  throw new IllegalArgumentError("windows can't be null");
}
