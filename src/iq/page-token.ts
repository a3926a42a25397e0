import { IllegalArgumentError } from '../errors/streams-error.js';

/** Where a paged scan of a whole store stands: the partition being read, and the last key returned in it. */
export interface ScanPosition {
  readonly store: string;
  /** The scan's key bounds (inclusive; null: open). */
  readonly from: string | null;
  readonly to: string | null;
  readonly partition: number;
  /** The last key returned from `partition` (the next page starts strictly after it), or null. */
  readonly after: string | null;
}

/**
 * The continuation token of a paged scan: opaque to clients (base64url JSON). It carries the bounds, so a
 * client passes only the token for the next page; resuming strictly after the last key of a partition
 * (whose keys are ordered) gives every row exactly once across pages.
 */
export function encodePageToken(position: ScanPosition): string {
  const { store, from, to, partition, after } = position;
  return Buffer.from(JSON.stringify({ v: 1, s: store, f: from, t: to, p: partition, a: after }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string, store: string): ScanPosition {
  let raw: { v?: unknown; s?: unknown; f?: unknown; t?: unknown; p?: unknown; a?: unknown };
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof raw;
  } catch {
    throw new IllegalArgumentError('the continuation token is malformed: pass the "next" value of the previous page unchanged');
  }
  const optional = (x: unknown): x is string | null => x === null || typeof x === 'string';
  if (raw?.v !== 1 || typeof raw.s !== 'string' || !optional(raw.f) || !optional(raw.t) || !Number.isInteger(raw.p) || (raw.p as number) < 0 || !optional(raw.a)) {
    throw new IllegalArgumentError('the continuation token is malformed: pass the "next" value of the previous page unchanged');
  }
  if (raw.s !== store) throw new IllegalArgumentError(`the continuation token belongs to a scan of store ${raw.s}, not ${store}`);
  return { store, from: raw.f, to: raw.t, partition: raw.p as number, after: raw.a };
}
