import { describe, expect, it } from 'vitest';
import { Serdes, SessionWindow, TimeWindow, Windowed, WindowedSerdes } from '../../src/index.js';

describe('windowed serdes (Java byte layouts)', () => {
  it('timeWindowedSerdeFrom: [key][8-byte big-endian start]; the end comes from the window size', () => {
    const serde = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10);
    const bytes = serde.serializer().serialize('t', new Windowed('ab', new TimeWindow(300, 310)))!;
    expect(bytes.toString('hex')).toBe('6162' + '000000000000012c');
    const back = serde.deserializer().deserialize('t', bytes)!;
    expect(back).toEqual({ key: 'ab', window: { start: 300, end: 310 } });
    expect(String(back)).toBe('[ab@300/310]');
  });

  it('accepts plain { key, window } objects, and keeps null as null', () => {
    const serde = WindowedSerdes.timeWindowedSerdeFrom(Serdes.Long(), 5);
    expect(serde.serializer().serialize('t', { key: 1, window: { start: 0, end: 5 } } as never)!.toString('hex')).toBe('0000000000000001' + '0000000000000000');
    expect(serde.serializer().serialize('t', null)).toBeNull();
    expect(serde.deserializer().deserialize('t', null)).toBeNull();
  });

  it('sessionWindowedSerdeFrom: [key][8-byte end][8-byte start]', () => {
    const serde = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());
    const bytes = serde.serializer().serialize('t', new Windowed('k', new SessionWindow(3, 9)))!;
    expect(bytes.toString('hex')).toBe('6b' + '0000000000000009' + '0000000000000003');
    expect(serde.deserializer().deserialize('t', bytes)).toEqual({ key: 'k', window: { start: 3, end: 9 } });
  });

  it('validates its arguments', () => {
    expect(() => WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 0)).toThrow(/windowSize/);
  });
});
