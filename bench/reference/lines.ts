/**
 * The JSON-lines protocol shared by DriverRunner.java (Java's TopologyTestDriver) and runner.ts (ours):
 * input lines in, output, store and error lines out. A sequence's input ends with `{"end":true}`, as does
 * its output.
 */

/** One input record (value null = tombstone), or a wall-clock advance. */
export type InputLine = { topic: string; key: string | null; value: unknown; timestamp: number } | { advanceWallClock: number };

/** A record the topology produced. */
export interface RecordLine {
  topic: string;
  key: string | null;
  value: unknown;
  timestamp: number;
}

/** A store entry after the sequence (window stores' keys as `key@windowStart`). */
export interface StoreLine {
  store: string;
  key: string;
  value: unknown;
}

/** Processing threw; the rest of the sequence was skipped. */
export interface ErrorLine {
  error: string;
}

export type OutputLine = RecordLine | StoreLine | ErrorLine;

export const END_LINE = '{"end":true}';

/** JSON with object keys sorted, so equal values print equally whatever their field order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Store lines in a fixed order: store, key, then value (join window stores may repeat a key). */
export function sortStoreLines(lines: StoreLine[]): StoreLine[] {
  const sortKey = (l: StoreLine) => `${l.store}\u0000${l.key}\u0000${canonical(l.value)}`;
  return lines.map((l) => [sortKey(l), l] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l);
}
