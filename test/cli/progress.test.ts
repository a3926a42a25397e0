import { describe, expect, it } from 'vitest';
import { RestoreProgress } from '../../src/cli/progress.js';

const tp = { topic: 'app-store-changelog', partition: 0 };

describe('state-restoration progress', () => {
  it('on a terminal: a bar redrawn in place, then a summary line', () => {
    let text = '';
    const p = new RestoreProgress((t) => (text += t), true, 10);
    p.onRestoreStart(tp, 'store', 0, 200);
    p.onBatchRestored(tp, 'store', 100, 100);
    p.onRestoreEnd(tp, 'store', 180);
    expect(text.split('\r')).toEqual([
      'restoring store (app-store-changelog-0): 200 records to replay\n',
      '  [..........]   0% 0/200',
      '  [#####.....]  50% 100/200',
      '  [##########] 100% 200/200\nrestored store (app-store-changelog-0): 180 records in ' + text.match(/in (\d+) ms/)![1] + ' ms\n',
    ]);
  });

  it('in a log: a line per quarter at most', () => {
    const lines: string[] = [];
    const p = new RestoreProgress((t) => lines.push(t), false, 4);
    p.onRestoreStart(tp, 'store', 10, 110);
    for (let i = 0; i < 10; i++) p.onBatchRestored(tp, 'store', 20 + i * 10, 10);
    p.onRestoreEnd(tp, 'store', 100);
    expect(lines.map((l) => l.replace(/\d+ ms/, 'N ms'))).toEqual([
      'restoring store (app-store-changelog-0): 100 records to replay\n',
      '  store (app-store-changelog-0) [....]   0% 0/100\n',
      '  store (app-store-changelog-0) [#...]  30% 30/100\n',
      '  store (app-store-changelog-0) [##..]  50% 50/100\n',
      '  store (app-store-changelog-0) [###.]  80% 80/100\n',
      '  store (app-store-changelog-0) [####] 100% 100/100\n',
      'restored store (app-store-changelog-0): 100 records in N ms\n',
    ]);
  });
});
