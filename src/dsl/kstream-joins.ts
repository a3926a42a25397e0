import { StreamsError } from '../errors/streams-error.js';
import { GlobalKTable } from './global-ktable.js';
import { JoinWindows } from './join-windows.js';
import { Joined } from './joined.js';
import type { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import { Named } from './named.js';
import { StreamJoined } from './stream-joined.js';
import { streamStreamJoin } from './stream-stream-join.js';
import { globalTableJoin, streamTableJoin } from './stream-table-join.js';

export type JoinKind = 'inner' | 'left' | 'outer';

/**
 * `KStream.join` / `leftJoin` / `outerJoin`: Java's overloads told apart by their arguments — a `KTable`
 * (stream-table join, optional `Joined`), a `GlobalKTable` (key selector, joiner, optional `Named`), or a
 * `KStream` with `JoinWindows` (windowed stream-stream join, optional `StreamJoined`).
 */
export function kstreamJoin(self: KStream<any, any>, kind: JoinKind, args: readonly unknown[]): KStream<any, any> {
  const [other, a, b, c] = args;
  const method = kind === 'inner' ? 'join' : `${kind}Join`;
  if (other === null || other === undefined) throw new StreamsError(`${method}: the other stream or table can't be null`);
  if (typeof a !== 'function') throw new StreamsError(`${method}: ${other instanceof GlobalKTable ? 'keySelector' : 'joiner'} must be a function`);
  if (other instanceof KTable) {
    if (kind === 'outer') throw new StreamsError('outerJoin: a stream can only be outer-joined with another stream');
    if (b !== undefined && b !== null && !(b instanceof Joined)) throw new StreamsError(`${method}(table, joiner, joined?): joined must be a Joined`);
    return streamTableJoin(self, other, a as any, (b ?? undefined) as Joined<any, any, any> | undefined, kind === 'left');
  }
  if (other instanceof GlobalKTable) {
    if (kind === 'outer') throw new StreamsError('outerJoin: a stream can only be outer-joined with another stream');
    if (typeof b !== 'function') throw new StreamsError(`${method}(globalTable, keySelector, joiner, named?): joiner must be a function`);
    if (c !== undefined && c !== null && !(c instanceof Named)) throw new StreamsError(`${method}(globalTable, keySelector, joiner, named?): named must be a Named`);
    return globalTableJoin(self, other, a as any, b as any, (c ?? undefined) as Named | undefined, kind === 'left');
  }
  if (b instanceof JoinWindows) {
    if (c !== undefined && c !== null && !(c instanceof StreamJoined)) throw new StreamsError('streamJoined must be a StreamJoined');
    return streamStreamJoin(self, other as KStream<any, any>, a as any, b, c as StreamJoined<any, any, any> | undefined, kind !== 'inner', kind === 'outer');
  }
  throw new StreamsError(`${method}: expected (otherStream, joiner, JoinWindows, StreamJoined?), (table, joiner, Joined?) or (globalTable, keySelector, joiner, Named?)`);
}
