/*
 * The byte layouts of windowed keys, as Java lays them out (so that changelogs, stores and topics written by
 * either implementation read the same):
 * - window store key (Java's `WindowKeySchema.toStoreKeyBinary`): [key][8-byte BE window start][4-byte BE seqnum]
 * - time-windowed key in topics (`WindowKeySchema.toBinary`):      [key][8-byte BE window start]
 * - session key, in stores and topics (`SessionKeySchema.toBinary`): [key][8-byte BE end][8-byte BE start]
 * Timestamps are non-negative, so big-endian bytes sort as the numbers do.
 */
import { readLongBE, writeLongBE } from '../../serde/serdes.js';

export const TIMESTAMP_SIZE = 8;
export const SEQNUM_SIZE = 4;
/** Java's `Long.MAX_VALUE` as an unbounded time bound: timestamps here are safe integers. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
export const MAX_SEQNUM = 0x7fffffff;

export function windowStoreKey(key: Buffer, windowStart: number, seqnum: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + TIMESTAMP_SIZE + SEQNUM_SIZE);
  key.copy(out, 0);
  writeLongBE(out, windowStart, key.length);
  out.writeInt32BE(seqnum, key.length + TIMESTAMP_SIZE);
  return out;
}

export function windowStoreKeyBytes(storeKey: Buffer): Buffer {
  return storeKey.subarray(0, storeKey.length - TIMESTAMP_SIZE - SEQNUM_SIZE);
}

export function windowStoreTimestamp(storeKey: Buffer): number {
  return readLongBE(storeKey, storeKey.length - TIMESTAMP_SIZE - SEQNUM_SIZE, 'WindowKeySchema');
}

export function windowStoreSeqnum(storeKey: Buffer): number {
  return storeKey.readInt32BE(storeKey.length - SEQNUM_SIZE);
}

/** [key][8-byte start]: a time-windowed key as written to topics by `TimeWindowedSerializer`. */
export function timeWindowedKey(key: Buffer, windowStart: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + TIMESTAMP_SIZE);
  key.copy(out, 0);
  writeLongBE(out, windowStart, key.length);
  return out;
}

export function sessionKey(key: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + 2 * TIMESTAMP_SIZE);
  key.copy(out, 0);
  writeLongBE(out, end, key.length);
  writeLongBE(out, start, key.length + TIMESTAMP_SIZE);
  return out;
}

export function sessionKeyBytes(binary: Buffer): Buffer {
  return binary.subarray(0, binary.length - 2 * TIMESTAMP_SIZE);
}

export function sessionEnd(binary: Buffer): number {
  return readLongBE(binary, binary.length - 2 * TIMESTAMP_SIZE, 'SessionKeySchema');
}

export function sessionStart(binary: Buffer): number {
  return readLongBE(binary, binary.length - TIMESTAMP_SIZE, 'SessionKeySchema');
}

/** Java's window end for a start and a size: `start + size`, capped at "Long.MAX" on overflow. */
export function windowEndForSize(start: number, windowSize: number): number {
  const end = start + windowSize;
  return end > MAX_TIME ? MAX_TIME : end;
}

/** Unsigned byte order of two keys (Java's `Bytes.compareTo`). */
export function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}
