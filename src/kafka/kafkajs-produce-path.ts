/**
 * Three kafkajs producer internals replaced by equivalent, linear-time versions (measured on the stateless
 * bench/compare topology, they took a third of the CPU and caused most of the garbage collection):
 *
 *  - `producer/groupMessagesPerPartition.js` copies a partition's whole message list for every message
 *    it adds (quadratic in the messages per partition of a send). Replaced by the same grouping with
 *    `push`: same partitions, same order, same result shape.
 *  - `protocol/recordBatch/record/v0` encodes each record through a fresh 512-byte `Encoder`, one
 *    `Buffer.from` per varint and BigInt arithmetic for the timestamp delta. Replaced by an encoder that
 *    sizes the record first and writes it into one buffer, byte for byte what kafkajs writes; inputs it
 *    does not handle (non-Buffer/string keys or values, odd timestamps) go to kafkajs's own encoder.
 *  - `protocol/recordBatch/crc32C` (the record batch checksum) reads a byte at a time; replaced by the
 *    same CRC-32C computed eight bytes at a time (slicing-by-8 tables).
 *
 * Both are installed in Node's module cache before kafkajs's modules that use them load: the grouping
 * when this module is evaluated (every kafkajs-*.ts file imports it before importing kafkajs), the record
 * encoder before the first produce request (kafkajs loads its request encoders on first use). If kafkajs
 * was loaded by someone else first, whatever it already loaded stays as it is (slower, same bytes).
 * kafkajs 2.2.4 is its last release, so these files are frozen; the package has no `exports` map, so the
 * deep require is allowed (as in kafkajs-internals.ts).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface CachedModule {
  exports: unknown;
}

/** Replaces a kafkajs module's exports if neither it nor its users are loaded yet; false if they are. */
function replaceBeforeUse(path: string, users: readonly string[], make: (original: unknown) => unknown): boolean {
  let resolved: string;
  let resolvedUsers: string[];
  try {
    resolved = require.resolve(path);
    resolvedUsers = users.map((u) => require.resolve(u));
  } catch {
    return false; // another kafkajs layout: nothing replaced
  }
  const cache = require.cache as Record<string, CachedModule | undefined>;
  if (resolvedUsers.some((u) => cache[u] !== undefined)) return false;
  const original = require(resolved) as unknown;
  const module = cache[resolved];
  if (module === undefined || typeof original !== 'function') return false;
  module.exports = make(original);
  return true;
}

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

/** kafkajs's grouping of a topic's messages by partition, in linear time. */
export function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: Partitioner;
}): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list === undefined) result[partition] = [message];
    else list.push(message);
  }
  return result;
}

// ---- the record encoder ------------------------------------------------------------------------

interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown> | null;
}

/** kafkajs's 32-bit zig-zag (a signed int32, read as unsigned by the varint writer). */
const zigZag = (n: number): number => (n << 1) ^ (n >> 31);

/** Bytes of kafkajs's unsigned varint of `v` (the same loop, so the same answer for any input). */
function uvarIntSize(v: number): number {
  let n = 1;
  while ((v & 0xffffff80) !== 0) {
    n++;
    v >>>= 7;
  }
  return n;
}

function writeUVarInt(buf: Buffer, at: number, v: number): number {
  while ((v & 0xffffff80) !== 0) {
    buf[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[at++] = v & 0x7f;
  return at;
}

/** 64-bit zig-zag of a safe integer below 2^51 in magnitude, as a (safe) non-negative number. */
const zigZag64 = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);

function uvarLongSize(z: number): number {
  let n = 1;
  while (z >= 128) {
    n++;
    z = Math.floor(z / 128);
  }
  return n;
}

function writeUVarLong(buf: Buffer, at: number, z: number): number {
  while (z >= 128) {
    buf[at++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[at++] = z;
  return at;
}

/** Bytes of a varint-length-prefixed field: null (length -1), a Buffer or a string (utf8); -1 if neither. */
function bytesFieldSize(v: unknown): number {
  if (v === null || v === undefined) return 1; // varint(-1)
  const n = Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : -1;
  return n < 0 ? -1 : uvarIntSize(zigZag(n)) + n;
}

function writeBytesField(buf: Buffer, at: number, v: unknown): number {
  if (v === null || v === undefined) return writeUVarInt(buf, at, zigZag(-1));
  if (Buffer.isBuffer(v)) {
    at = writeUVarInt(buf, at, zigZag(v.length));
    return at + v.copy(buf, at);
  }
  const s = v as string;
  at = writeUVarInt(buf, at, zigZag(Buffer.byteLength(s, 'utf8')));
  return at + buf.write(s, at, 'utf8');
}

const MAX_DELTA = 2 ** 51;

/**
 * The record encoder: kafkajs's byte layout (length, attributes 0, timestamp delta, offset delta, key,
 * value, headers in `Object.keys` order, an array value giving one header per element) in one buffer,
 * returned as a kafkajs `Encoder` holding exactly the record (the record batch copies `encoder.buffer`).
 */
export function makeRecordEncoder(original: (args: RecordArgs) => unknown): (args: RecordArgs) => unknown {
  const Encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: object };
  return (args: RecordArgs) => {
    const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = args;
    if (
      !Number.isSafeInteger(timestampDelta) ||
      Math.abs(timestampDelta) >= MAX_DELTA ||
      (offsetDelta | 0) !== offsetDelta ||
      headers === null ||
      typeof headers !== 'object'
    ) {
      return original(args);
    }
    const keySize = bytesFieldSize(key);
    const valueSize = bytesFieldSize(value);
    if (keySize < 0 || valueSize < 0) return original(args);
    let headerCount = 0;
    let headersSize = 0;
    const headerKeys = Object.keys(headers);
    for (const k of headerKeys) {
      const v = headers[k];
      const values = Array.isArray(v) ? (v as unknown[]) : [v];
      for (const hv of values) {
        // kafkajs cannot size a null header value (it throws): leave that to kafkajs
        if (hv === null || hv === undefined) return original(args);
        const hvSize = bytesFieldSize(hv);
        if (hvSize < 0) return original(args);
        const keyBytes = Buffer.byteLength(k, 'utf8');
        headersSize += uvarIntSize(zigZag(keyBytes)) + keyBytes + hvSize;
        headerCount++;
      }
    }
    const zTimestamp = zigZag64(timestampDelta);
    const body =
      1 + uvarLongSize(zTimestamp) + uvarIntSize(zigZag(offsetDelta)) + keySize + valueSize + uvarIntSize(zigZag(headerCount)) + headersSize;
    const total = uvarIntSize(zigZag(body)) + body;
    const buf = Buffer.allocUnsafe(total);
    let at = writeUVarInt(buf, 0, zigZag(body));
    buf[at++] = 0; // attributes
    at = writeUVarLong(buf, at, zTimestamp);
    at = writeUVarInt(buf, at, zigZag(offsetDelta));
    at = writeBytesField(buf, at, key);
    at = writeBytesField(buf, at, value);
    at = writeUVarInt(buf, at, zigZag(headerCount));
    for (const k of headerKeys) {
      const v = headers[k];
      for (const hv of Array.isArray(v) ? (v as unknown[]) : [v]) {
        at = writeUVarInt(buf, at, zigZag(Buffer.byteLength(k, 'utf8')));
        at += buf.write(k, at, 'utf8');
        at = writeBytesField(buf, at, hv);
      }
    }
    const encoder = Object.create(Encoder.prototype) as { buf: Buffer; offset: number };
    encoder.buf = buf;
    encoder.offset = at;
    return encoder;
  };
}

// ---- CRC-32C (Castagnoli), slicing by 8 -------------------------------------------------------------

const CRC_TABLES = (() => {
  const t = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[0]![n] = c;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k]![n] = (t[k - 1]![n]! >>> 8) ^ t[0]![t[k - 1]![n]! & 0xff]!;
  return t;
})();

/** The record batch checksum, unsigned (what kafkajs's `crc32C/index.js` returns). */
export function crc32c(buf: Buffer): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  let crc = -1;
  let i = 0;
  const n = buf.length;
  for (const end = n - (n % 8); i < end; i += 8) {
    const lo = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc =
      t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^ t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!;
  }
  for (; i < n; i++) crc = t0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const PRODUCE_REQUESTS = [3, 4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request.js`);

replaceBeforeUse('kafkajs/src/producer/groupMessagesPerPartition.js', ['kafkajs/src/producer/sendMessages.js'], () => groupMessagesPerPartition);
replaceBeforeUse('kafkajs/src/protocol/recordBatch/record/v0/index.js', PRODUCE_REQUESTS, (original) => makeRecordEncoder(original as (args: RecordArgs) => unknown));
replaceBeforeUse('kafkajs/src/protocol/recordBatch/crc32C/index.js', ['kafkajs/src/protocol/recordBatch/v0/index.js'], () => crc32c);
