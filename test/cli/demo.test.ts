import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';

describe('kstreams demo (the embedded default job)', () => {
  it('counts NEW orders per symbol through a repartition topic and prints every output record', async () => {
    const lines: string[] = [];
    await runDemo((l) => lines.push(l));
    expect(lines[0]).toContain('Source: by-symbol-repartition-source (topics: [by-symbol-repartition])');
    expect(lines.slice(1)).toEqual([
      'in  orders: o-1 NEW AAPL x100',
      'out new-orders-per-symbol: AAPL = 1 (ts 1700000000000)',
      'in  orders: o-2 NEW MSFT x200',
      'out new-orders-per-symbol: MSFT = 1 (ts 1700000001000)',
      'in  orders: o-3 NEW AAPL x300',
      'out new-orders-per-symbol: AAPL = 2 (ts 1700000002000)',
      'in  orders: o-2 REPLACE MSFT x400',
      'in  orders: o-4 NEW TSLA x500',
      'out new-orders-per-symbol: TSLA = 1 (ts 1700000004000)',
      'in  orders: o-1 CANCEL AAPL x600',
      'in  orders: o-5 NEW AAPL x700',
      'out new-orders-per-symbol: AAPL = 3 (ts 1700000006000)',
      'store new-orders-per-symbol: AAPL=3, MSFT=1, TSLA=1',
    ]);
  });
});
