import { encodePageToken, type ScanPosition } from './page-token.js';

export interface Row {
  readonly key: string;
  readonly value: unknown;
}

/** Up to the asked number of rows of one partition, in key order, and whether it has more after them. */
export interface PartitionChunk {
  readonly rows: readonly Row[];
  readonly more: boolean;
}

export interface Page {
  readonly rows: readonly Row[];
  /** The token of the next page, or null when the scan is complete. */
  readonly next: string | null;
}

/** Reads `limit` rows of `partition` strictly after `after` (null: from the scan's start). */
export type PartitionReader = (partition: number, after: string | null, limit: number) => Promise<PartitionChunk>;

/**
 * One page of a scan over every partition of a store: partitions in order, each in key order, resuming
 * after the last key returned. A page is filled from the next partitions when one runs out, so only the
 * last page is short.
 */
export async function scanPage(position: ScanPosition, limit: number, partitions: number, read: PartitionReader): Promise<Page> {
  const rows: Row[] = [];
  let { partition, after } = position;
  while (rows.length < limit && partition < partitions) {
    const chunk = await read(partition, after, limit - rows.length);
    rows.push(...chunk.rows);
    if (chunk.more && chunk.rows.length > 0) after = chunk.rows[chunk.rows.length - 1]!.key;
    else {
      partition++;
      after = null;
    }
  }
  const next = partition < partitions ? encodePageToken({ ...position, partition, after }) : null;
  return { rows, next };
}
