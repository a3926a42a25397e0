import { describe, expect, it } from 'vitest';
import { Headers, IllegalArgumentError, Record, StreamsError } from '../../src/index.js';
import { hdrs } from './helpers.js';

describe('Record', () => {
  it('has key, value, timestamp and (empty by default) headers', () => {
    const r = new Record('k', 1, 10);
    expect([r.key, r.value, r.timestamp, hdrs(r.headers)]).toEqual(['k', 1, 10, []]);
    expect(new Record(null, null, 0).key).toBeNull();
  });

  it('withKey / withValue / withTimestamp / withHeaders return new records and leave the original as it was', () => {
    const headers = new Headers().add('h', '1');
    const r = new Record('k', 1, 10, headers);
    const k = r.withKey(2);
    const v = r.withValue('one');
    const t = r.withTimestamp(20);
    const h = r.withHeaders(new Headers().add('other', 'x'));
    for (const n of [k, v, t, h]) expect(n).not.toBe(r);
    expect([k.key, k.value, k.timestamp, hdrs(k.headers)]).toEqual([2, 1, 10, [['h', '1']]]);
    expect([v.key, v.value, v.timestamp, hdrs(v.headers)]).toEqual(['k', 'one', 10, [['h', '1']]]);
    expect([t.key, t.value, t.timestamp, hdrs(t.headers)]).toEqual(['k', 1, 20, [['h', '1']]]);
    expect([h.key, h.value, h.timestamp, hdrs(h.headers)]).toEqual(['k', 1, 10, [['other', 'x']]]);
    expect([r.key, r.value, r.timestamp, hdrs(r.headers)]).toEqual(['k', 1, 10, [['h', '1']]]);
  });

  it('copies the headers it is given, as Java does: later changes on either side do not leak', () => {
    const headers = new Headers().add('a', '1');
    const r = new Record('k', 'v', 0, headers);
    headers.add('b', '2');
    expect(hdrs(r.headers)).toEqual([['a', '1']]);

    const derived = r.withValue('w');
    derived.headers.add('c', '3');
    expect(hdrs(r.headers)).toEqual([['a', '1']]);
    expect(hdrs(derived.headers)).toEqual([['a', '1'], ['c', '3']]);

    r.headers.remove('a');
    expect(hdrs(derived.headers)).toEqual([['a', '1'], ['c', '3']]);
    expect(hdrs(r.headers)).toEqual([]);
  });

  it('rejects a negative timestamp, in the constructor and in withTimestamp (Java: StreamsException "Malformed Record")', () => {
    expect(() => new Record('k', 'v', -1)).toThrow(StreamsError);
    expect(() => new Record('k', 'v', -1)).toThrow('Malformed Record');
    const r = new Record('k', 'v', 0);
    let error: unknown;
    try {
      r.withTimestamp(-5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamsError);
    expect((error as Error).cause).toBeInstanceOf(IllegalArgumentError);
    expect(((error as Error).cause as Error).message).toBe('Timestamp may not be negative. Got: -5');
    expect(r.withTimestamp(0).timestamp).toBe(0);
  });
});

describe('Headers', () => {
  it('keeps headers in order, allows repeated keys, and finds the last one', () => {
    const h = new Headers().add('a', '1').add('b', Buffer.from([0xff])).add('a', '2').add('n', null);
    expect(h.size).toBe(4);
    expect(h.lastHeader('a')!.value!.toString()).toBe('2');
    expect(h.lastHeader('b')!.value).toEqual(Buffer.from([0xff]));
    expect(h.lastHeader('n')!.value).toBeNull();
    expect(h.lastHeader('zz')).toBeNull();
    expect(hdrs(h.headers('a'))).toEqual([['a', '1'], ['a', '2']]);
    h.remove('a');
    expect(hdrs(h)).toEqual([['b', '\ufffd'], ['n', null]]);
  });

  it('copy() is independent of the original in both directions', () => {
    const h = new Headers().add('a', '1');
    const c = h.copy();
    h.add('b', '2');
    c.add('c', '3');
    expect(hdrs(h)).toEqual([['a', '1'], ['b', '2']]);
    expect(hdrs(c)).toEqual([['a', '1'], ['c', '3']]);
    const c2 = c.copy();
    c.remove('a');
    expect(hdrs(c2)).toEqual([['a', '1'], ['c', '3']]);
    expect(hdrs(c2.toArray())).toEqual([['a', '1'], ['c', '3']]);
  });
});
