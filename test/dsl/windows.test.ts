import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  Materialized,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
} from '../../src/index.js';

describe('window definitions', () => {
  it('TimeWindows: tumbling and hopping windows containing a timestamp, aligned to the epoch', () => {
    const tumbling = TimeWindows.ofSizeWithNoGrace(10);
    expect([...tumbling.windowsFor(10).values()].map((w) => [w.start, w.end])).toEqual([[10, 20]]);
    expect([...tumbling.windowsFor(9).values()].map((w) => [w.start, w.end])).toEqual([[0, 10]]);
    const hopping = TimeWindows.ofSizeAndGrace(10, 3).advanceBy(4);
    expect([...hopping.windowsFor(9).keys()]).toEqual([0, 4, 8]);
    expect([...hopping.windowsFor(2).keys()]).toEqual([0]);
    expect(hopping.gracePeriodMs()).toBe(3);
    expect(hopping.size()).toBe(10);
  });

  it('validates sizes, advances and grace periods with Java\'s messages', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow('Window size (sizeMs) must be larger than zero.');
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/advancement interval/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow('Grace period must not be negative.');
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow('Window time difference must not be negative.');
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(0)).toThrow('Gap time cannot be zero or negative.');
    expect(() => Suppressed.untilWindowCloses(BufferConfig.maxRecords(3))).toThrow(/strict buffer config/);
  });

  it('a windowed store must retain at least size + grace', () => {
    const b = new StreamsBuilder();
    const g = b.stream<string, string>('in', Consumed.with(Serdes.String(), Serdes.String())).groupByKey();
    expect(() => g.windowedBy(TimeWindows.ofSizeAndGrace(10, 5)).count(Materialized.as<string, number>('w').withRetention(14))).toThrow(
      'The retention period of the window store w must be no smaller than its window size plus the grace period. Got size=[10], grace=[5], retention=[14]',
    );
    expect(() => g.windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5)).count(Materialized.as<string, number>('s').withRetention(14))).toThrow(
      /session inactivity gap plus the grace period/,
    );
  });

  it('suppress(untilWindowCloses) needs a windowed table upstream', () => {
    const b = new StreamsBuilder();
    const t = b.stream<string, string>('in', Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count();
    expect(() => t.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))).toThrow(/Window close time is only defined for windowed computations/);
  });
});
