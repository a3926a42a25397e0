import { describe, expect, it } from 'vitest';
import { closeOnSignals } from '../../src/runtime/signals.js';

describe('closeOnSignals', () => {
  it('closes the client once on SIGTERM / SIGINT, with the timeout, and reports how it went', async () => {
    const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const calls: Array<{ timeout?: number }> = [];
    const closed: Array<[boolean, string]> = [];
    const remove = closeOnSignals(
      {
        close: async (options = {}) => {
          calls.push(options);
          return true;
        },
      },
      { exit: false, timeoutMs: 1234, onClosed: (clean, signal) => closed.push([clean, signal]) },
    );
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await new Promise((r) => setTimeout(r, 10));
      expect(calls).toEqual([{ timeout: 1234 }]);
      expect(closed).toEqual([[true, 'SIGTERM']]);
    } finally {
      remove();
    }
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual(before);
  });

  it('a close that fails counts as not clean', async () => {
    const closed: boolean[] = [];
    const remove = closeOnSignals({ close: () => Promise.reject(new Error('boom')) }, { exit: false, signals: ['SIGINT'], onClosed: (clean) => closed.push(clean) });
    try {
      process.emit('SIGINT', 'SIGINT');
      await new Promise((r) => setTimeout(r, 10));
      expect(closed).toEqual([false]);
    } finally {
      remove();
    }
  });
});
