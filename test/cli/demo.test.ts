import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';

describe('kstreams demo (the embedded default job)', () => {
  it('runs order-fill on seeded sample data and prints every output, then each order\'s final state', async () => {
    const lines: string[] = [];
    await runDemo((l) => lines.push(l));
    expect(lines[0]).toBe('order-fill on the embedded engine: 87 sample records (kstreams produce order-fill --count 24 --seed 7 | kstreams run order-fill)');
    const outputs = lines.slice(1, lines.indexOf('\n87 records in, 104 out. Final order states:'));
    expect(outputs).toHaveLength(104);
    // the rules of DOMAIN.md, as the sample exercises them
    expect(outputs).toContain('order-state      ORD-0001    FILLED           filled 550/550 avg 189.04 in 2 fill(s)');
    expect(outputs).toContain('order-anomalies  ORD-0004    DUPLICATE_FILL    fill F-00007 was already applied');
    expect(outputs).toContain('order-anomalies  ORD-0010    OVERFILL          fill F-00020 brings the filled quantity to 430 of 400');
    expect(outputs.filter((l) => l.startsWith('orders-filled    ORD-0010 '))).toHaveLength(1);
    expect(outputs.some((l) => l.startsWith('order-anomalies  ORD-0021    FILL_AFTER_CANCEL'))).toBe(true);
    // the final table is the last order-state of each order
    const table = lines.slice(lines.indexOf('\n87 records in, 104 out. Final order states:') + 1);
    const lastStates = new Map<string, string>();
    for (const l of outputs.filter((o) => o.startsWith('order-state '))) lastStates.set(l.slice(17, 28).trim(), l.slice(29));
    expect(table).toHaveLength(lastStates.size);
    expect(table).toContain('  ORD-0010    BUY  TSLA  OVERFILLED       filled 430/400 avg 238.60 in 3 fill(s)');
    expect(table).toContain('  ORD-0003    SELL AMZN  CANCELED         filled 580/700 avg 146.32 in 2 fill(s)');
    for (const row of table) expect(row.slice(25)).toBe(lastStates.get(row.slice(2, 13).trim()));
  });
});
