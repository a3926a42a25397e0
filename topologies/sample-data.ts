/**
 * Realistic, seeded sample data for the order topologies (`kstreams produce`): the same seed always gives
 * the same records in the same order.
 *
 * Each scenario is one order (or a parent with its children) with events placed on an event-time line
 * and delivered after a delay; the records come out in delivery (arrival) order, with their event time as
 * record timestamp. Scenarios: fully and partially filled orders, re-delivered (duplicate) fills, fills
 * delivered before their order, fills delivered out of order, replaces, cancels racing fills (a fill
 * executed before the cancel but delivered after it), fills after a cancel, late cancels, overfills,
 * fills for orders that never arrive, orders without fills, and parents split into children whose orders
 * may arrive before the parent's.
 *
 * Held fills are always resolved well within the default 60 s grace (or never, for unknown orders), so
 * the outcome does not depend on how a runtime interleaves the two input topics' stream time.
 */
import type { Fill, OrderEvent, SagaAnswer, Side } from './records.js';

/** A record as `kstreams run` reads it and `kstreams produce` writes it (one JSON line each). */
export interface SampleRecord {
  topic: string;
  key: string | null;
  value: unknown;
  timestamp: number;
}

export interface SampleOptions {
  /** Number of scenarios (a parent with its children is one). */
  count: number;
  seed: number;
  /** Event time of the first scenario (default 2023-11-14T22:13:20Z). */
  startTime?: number;
  /** Topic names (default `orders` and `fills`). */
  ordersTopic?: string;
  fillsTopic?: string;
}

export const SAMPLE_START_TIME = 1_700_000_000_000;

/** mulberry32: a small, fast, seedable PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYMBOLS: ReadonlyArray<readonly [string, number]> = [
  ['AAPL', 189.5],
  ['MSFT', 374.2],
  ['TSLA', 238.8],
  ['NVDA', 487.1],
  ['AMZN', 146.9],
];

type Scenario =
  | 'filled'
  | 'partial'
  | 'duplicate'
  | 'fills-first'
  | 'out-of-order'
  | 'replace'
  | 'cancel-race'
  | 'fill-after-cancel'
  | 'late-cancel'
  | 'overfill'
  | 'unknown-order'
  | 'no-fills'
  | 'parent';

const WEIGHTS: ReadonlyArray<readonly [Scenario, number]> = [
  ['filled', 22],
  ['partial', 8],
  ['duplicate', 9],
  ['fills-first', 9],
  ['out-of-order', 6],
  ['replace', 6],
  ['cancel-race', 8],
  ['fill-after-cancel', 5],
  ['late-cancel', 5],
  ['overfill', 5],
  ['unknown-order', 4],
  ['no-fills', 3],
  ['parent', 10],
];

interface Planned {
  topic: 'orders' | 'fills';
  key: string;
  value: OrderEvent | Fill;
  eventTime: number;
  arrival: number;
  seq: number;
}

/** Orders and fills for the order-fill topology, in arrival order. */
export function generateOrderFlow(options: SampleOptions): SampleRecord[] {
  const rnd = seededRandom(options.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const scenario = (): Scenario => {
    let r = rnd() * total;
    for (const [s, w] of WEIGHTS) if ((r -= w) < 0) return s;
    return 'filled';
  };
  const planned: Planned[] = [];
  let seq = 0;
  const plan = (topic: Planned['topic'], value: OrderEvent | Fill, delay: number) =>
    planned.push({ topic, key: value.orderId, value, eventTime: value.eventTime, arrival: value.eventTime + delay, seq: seq++ });

  const newOrder = (orderId: string, parentOrderId: string | null, t: number, quantity: number, symbol: readonly [string, number], side: Side, account: string): OrderEvent => ({
    orderId,
    parentOrderId,
    account,
    symbol: symbol[0],
    side,
    quantity,
    limitPrice: rnd() < 0.25 ? null : round2(symbol[1] * (side === 'BUY' ? 1.01 : 0.99)),
    eventType: 'NEW',
    eventTime: t,
  });
  const orderEvent = (o: OrderEvent, eventType: OrderEvent['eventType'], t: number, quantity = o.quantity): OrderEvent => ({ ...o, eventType, eventTime: t, quantity });
  let fillSeq = 0;
  const fill = (orderId: string, quantity: number, t: number, symbol: readonly [string, number]): Fill => ({
    fillId: `F-${String(++fillSeq).padStart(5, '0')}`,
    orderId,
    quantity,
    price: round2(symbol[1] * (1 + (rnd() - 0.5) / 100)),
    eventTime: t,
  });
  /** Splits `quantity` (a multiple of 10) into `parts` positive multiples of 10. */
  const split = (quantity: number, parts: number): number[] => {
    const n = Math.max(1, Math.min(parts, quantity / 10));
    const cuts = new Set<number>();
    while (cuts.size < n - 1) cuts.add(int(1, quantity / 10 - 1) * 10);
    const points = [0, ...[...cuts].sort((a, b) => a - b), quantity];
    return points.slice(1).map((p, i) => p - points[i]!);
  };
  /** Plans fills of `quantities` for an order, from time `t`, `gap` ms apart, each delivered promptly. */
  const fills = (orderId: string, quantities: number[], t: number, symbol: readonly [string, number], gap = 250): Fill[] =>
    quantities.map((q, i) => fill(orderId, q, t + (i + 1) * gap + int(0, 50), symbol));

  const start = options.startTime ?? SAMPLE_START_TIME;
  for (let i = 0; i < options.count; i++) {
    const t = start + i * 2_000 + int(0, 400);
    const id = `ORD-${String(i + 1).padStart(4, '0')}`;
    const symbol = pick(SYMBOLS);
    const side: Side = rnd() < 0.5 ? 'BUY' : 'SELL';
    const account = `ACC-${int(1, 6)}`;
    const quantity = int(2, 20) * 50;
    const order = newOrder(id, null, t, quantity, symbol, side, account);
    const prompt = () => int(5, 60);
    switch (scenario()) {
      case 'filled':
        plan('orders', order, prompt());
        for (const f of fills(id, split(quantity, int(1, 4)), t, symbol)) plan('fills', f, prompt());
        break;
      case 'partial': {
        plan('orders', order, prompt());
        const parts = split(quantity, int(2, 4));
        for (const f of fills(id, parts.slice(0, -1), t, symbol)) plan('fills', f, prompt());
        break;
      }
      case 'duplicate': {
        plan('orders', order, prompt());
        const fs = fills(id, split(quantity, int(2, 3)), t, symbol);
        for (const f of fs) plan('fills', f, prompt());
        const again = pick(fs);
        plan('fills', { ...again }, int(300, 900)); // re-delivered by the broker of the execution venue
        break;
      }
      case 'fills-first': {
        plan('orders', order, int(1_200, 1_600)); // the order is delivered late...
        for (const f of fills(id, split(quantity, int(1, 3)), t, symbol, 150)) plan('fills', f, prompt()); // ...after its first fills
        break;
      }
      case 'out-of-order': {
        plan('orders', order, prompt());
        const fs = fills(id, split(quantity, 3), t, symbol);
        fs.forEach((f, k) => plan('fills', f, 900 - k * 400)); // the last executed is delivered first
        break;
      }
      case 'replace': {
        plan('orders', order, prompt());
        const replaced = quantity + pick([-50, 50, 100]);
        plan('orders', orderEvent(order, 'REPLACE', t + 100, replaced), prompt());
        const parts = split(replaced, int(1, 3));
        for (const f of fills(id, rnd() < 0.7 ? parts : parts.slice(0, -1), t + 300, symbol)) plan('fills', f, prompt());
        break;
      }
      case 'cancel-race': {
        plan('orders', order, prompt());
        const parts = split(quantity, 3);
        const [first, second] = fills(id, rnd() < 0.5 ? parts.slice(0, 2) : [parts[0]!, parts[1]! + parts[2]!], t, symbol, 200);
        plan('fills', first!, prompt());
        plan('orders', orderEvent(order, 'CANCEL', t + 800), prompt());
        plan('fills', second!, 1_200); // executed before the cancel, delivered after it
        break;
      }
      case 'fill-after-cancel': {
        plan('orders', order, prompt());
        const parts = split(quantity, 2);
        plan('fills', fill(id, parts[0]!, t + 200, symbol), prompt());
        plan('orders', orderEvent(order, 'CANCEL', t + 500), prompt());
        plan('fills', fill(id, parts[1]!, t + 900, symbol), prompt()); // executed after the cancel
        break;
      }
      case 'late-cancel':
        plan('orders', order, prompt());
        for (const f of fills(id, split(quantity, 2), t, symbol)) plan('fills', f, prompt());
        plan('orders', orderEvent(order, 'CANCEL', t + 1_000), prompt()); // too late: already filled
        break;
      case 'overfill': {
        plan('orders', order, prompt());
        const parts = [...split(quantity, 2), int(1, 4) * 10];
        for (const f of fills(id, parts, t, symbol)) plan('fills', f, prompt());
        break;
      }
      case 'unknown-order': {
        const ghost = `GHOST-${String(i + 1).padStart(4, '0')}`; // its order is never delivered
        for (const f of fills(ghost, split(int(1, 4) * 50, int(1, 2)), t, symbol)) plan('fills', f, prompt());
        break;
      }
      case 'no-fills':
        plan('orders', order, prompt());
        break;
      case 'parent': {
        const children = split(quantity, int(2, 3));
        const parentFirst = rnd() < 0.5;
        plan('orders', order, parentFirst ? prompt() : int(900, 1_400)); // children may arrive before their parent
        children.forEach((q, k) => {
          const childId = `${id}-C${k + 1}`;
          const child = newOrder(childId, id, t + 50 + k * 10, q, symbol, side, account);
          plan('orders', child, prompt());
          const parts = split(q, int(1, 3));
          const filled = rnd() < 0.75 ? parts : parts.slice(0, -1);
          for (const f of fills(childId, filled, t + 100 + k * 30, symbol)) plan('fills', f, prompt());
        });
        break;
      }
    }
  }
  planned.sort((a, b) => a.arrival - b.arrival || a.seq - b.seq);
  const topics = { orders: options.ordersTopic ?? 'orders', fills: options.fillsTopic ?? 'fills' };
  return planned.map((p) => ({ topic: topics[p.topic], key: p.key, value: p.value, timestamp: p.eventTime }));
}

/** Payment and stock answers for the saga topology; some orders never get one of the two. */
export function generateSagaAnswers(options: SampleOptions & { paymentTopic?: string; stockTopic?: string }): SampleRecord[] {
  const rnd = seededRandom(options.seed);
  const start = options.startTime ?? SAMPLE_START_TIME;
  const out: Array<SampleRecord & { arrival: number; seq: number }> = [];
  let seq = 0;
  for (let i = 0; i < options.count; i++) {
    const orderId = `ORD-${String(i + 1).padStart(4, '0')}`;
    const t = start + i * 1_000 + Math.floor(rnd() * 300);
    const answer = (source: SagaAnswer['source']): SagaAnswer => ({ orderId, status: rnd() < 0.8 ? 'ACCEPT' : 'REJECT', source, eventTime: t + Math.floor(rnd() * 3_000) });
    const missing = rnd();
    for (const source of ['PAYMENT', 'STOCK'] as const) {
      if ((source === 'PAYMENT' && missing < 0.05) || (source === 'STOCK' && missing > 0.95)) continue; // never answers
      const a = answer(source);
      out.push({ topic: source === 'PAYMENT' ? (options.paymentTopic ?? 'payment-orders') : (options.stockTopic ?? 'stock-orders'), key: orderId, value: a, timestamp: a.eventTime, arrival: a.eventTime + Math.floor(rnd() * 200), seq: seq++ });
    }
  }
  out.sort((a, b) => a.arrival - b.arrival || a.seq - b.seq);
  return out.map(({ topic, key, value, timestamp }) => ({ topic, key, value, timestamp }));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
