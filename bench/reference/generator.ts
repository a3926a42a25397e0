/**
 * Seeded generator of random but valid input sequences for the reference topologies: keys from a small
 * key space (so records meet), timestamps that mostly advance but often go back (out of order, and now and
 * then beyond a window's grace), tombstones, null keys where the topology drops them, wall-clock advances;
 * for order-fill: NEW / REPLACE / CANCEL orders and fills, with duplicates, fills before their order,
 * overfills, cancels racing fills, and stream-time jumps that expire held fills.
 */
import type { InputLine } from './lines.js';
import { HOPPING_GRACE_MS, HOPPING_SIZE_MS, JOIN_DIFFERENCE_MS, JOIN_GRACE_MS, UNKNOWN_ORDER_GRACE_MS, type ReferenceTopology } from './topologies.js';

/** mulberry32: small, fast, and the same sequence on every platform. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** The seed of sequence `index` of a run seeded `seed`, so that any one sequence can be regenerated alone. */
export function sequenceSeed(seed: number, topology: ReferenceTopology, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const c of `${topology}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/**
 * Event times: a clock that advances by up to `step` ms per record; a record goes back by up to `lateness`
 * with probability `outOfOrder` (far enough, sometimes, to fall behind a window's grace).
 */
class Clock {
  private now: number;

  constructor(
    private readonly rnd: Random,
    private readonly step: number,
    private readonly outOfOrder: number,
    private readonly lateness: number,
  ) {
    this.now = rnd.int(step * 3);
  }

  next(): number {
    this.now += this.rnd.int(this.step + 1);
    return this.rnd.chance(this.outOfOrder) ? Math.max(0, this.now - this.rnd.int(this.lateness + 1)) : this.now;
  }
}

export function generateSequence(topology: ReferenceTopology, seed: number, maxLength = 60): InputLine[] {
  const rnd = new Random(seed);
  const length = 1 + rnd.int(maxLength);
  switch (topology) {
    case 'stateless':
    case 'count':
      return plainInputs(rnd, length, new Clock(rnd, 1_000, 0.3, 5_000));
    case 'hopping-count':
      return plainInputs(rnd, length, new Clock(rnd, 12_000, 0.35, HOPPING_SIZE_MS + 2 * HOPPING_GRACE_MS));
    case 'stream-join':
    case 'stream-left-join':
    case 'stream-outer-join':
      return joinInputs(rnd, length, new Clock(rnd, 60, 0.35, 3 * (JOIN_DIFFERENCE_MS + JOIN_GRACE_MS)));
    case 'order-fill':
      return orderFillInputs(rnd, length);
  }
}

/** Wall-clock advances change nothing in these topologies (no wall-clock punctuation) and must stay so. */
function maybeWallClock(rnd: Random, lines: InputLine[]): void {
  if (rnd.chance(0.03)) lines.push({ advanceWallClock: rnd.int(120_000) });
}

function plainInputs(rnd: Random, length: number, clock: Clock): InputLine[] {
  const keys = ['a', 'b', 'c', 'd', 'e'].slice(0, 1 + rnd.int(5));
  const lines: InputLine[] = [];
  for (let i = 0; i < length; i++) {
    maybeWallClock(rnd, lines);
    const key = rnd.chance(0.04) ? null : rnd.pick(keys);
    const value = rnd.chance(0.1) ? null : `v${rnd.int(30)}`;
    lines.push({ topic: 'input', key, value, timestamp: clock.next() });
  }
  return lines;
}

function joinInputs(rnd: Random, length: number, clock: Clock): InputLine[] {
  const keys = ['a', 'b', 'c', 'd'].slice(0, 1 + rnd.int(4));
  const lines: InputLine[] = [];
  for (let i = 0; i < length; i++) {
    maybeWallClock(rnd, lines);
    const topic = rnd.chance(0.5) ? 'left' : 'right';
    const key = rnd.chance(0.03) ? null : rnd.pick(keys);
    const value = rnd.chance(0.05) ? null : `${topic[0]}${i}`;
    lines.push({ topic, key, value, timestamp: clock.next() });
  }
  return lines;
}

/**
 * Orders and fills for a handful of order ids. Fill ids come from a small pool per order (duplicates);
 * quantities are multiples of 10, so fills meet the order quantity exactly, exceed it, or fall short.
 */
function orderFillInputs(rnd: Random, length: number): InputLine[] {
  const orderIds = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'].slice(0, 1 + rnd.int(6));
  // mostly small steps; now and then a jump past the unknown-order grace, which expires held fills
  const clock = new Clock(rnd, 8_000, 0.3, 30_000);
  const lines: InputLine[] = [];
  for (let i = 0; i < length; i++) {
    maybeWallClock(rnd, lines);
    const orderId = rnd.pick(orderIds);
    let eventTime = clock.next();
    if (rnd.chance(0.04)) eventTime += UNKNOWN_ORDER_GRACE_MS;
    const roll = rnd.next();
    if (roll < 0.05) {
      lines.push({ topic: rnd.chance(0.5) ? 'orders' : 'fills', key: orderId, value: null, timestamp: eventTime });
    } else if (roll < 0.45) {
      const eventType = rnd.chance(0.5) ? 'NEW' : rnd.chance(0.5) ? 'REPLACE' : 'CANCEL';
      const order = {
        orderId,
        parentOrderId: rnd.chance(0.3) ? 'p1' : null,
        account: `acct-${rnd.int(3)}`,
        symbol: rnd.pick(['AAPL', 'MSFT']),
        side: rnd.pick(['BUY', 'SELL']),
        quantity: 10 * (1 + rnd.int(10)),
        limitPrice: rnd.chance(0.3) ? null : (1_000 + rnd.int(1_000)) / 100,
        eventType,
        eventTime,
      };
      lines.push({ topic: 'orders', key: orderId, value: order, timestamp: eventTime });
    } else {
      const fill = {
        fillId: `${orderId}-f${rnd.int(5)}`,
        orderId,
        quantity: 10 * (1 + rnd.int(5)),
        price: (1_000 + rnd.int(1_000)) / 100,
        eventTime,
      };
      lines.push({ topic: 'fills', key: orderId, value: fill, timestamp: eventTime });
    }
  }
  return lines;
}
