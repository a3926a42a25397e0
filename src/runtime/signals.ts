import { log } from '../util/logger.js';

/** What `closeOnSignals` needs of a client (KafkaStreams). */
export interface Closeable {
  close(options?: { timeout?: number }): Promise<boolean>;
}

export interface CloseOnSignalsOptions {
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Longest the clean close may take before the process exits anyway (default 30000 ms). */
  readonly timeoutMs?: number;
  /** Exit the process once closed (default true): with code 0 after a clean close, 1 if it timed out. */
  readonly exit?: boolean;
  /** Called after the close (clean: true if it finished within the timeout). */
  readonly onClosed?: (clean: boolean, signal: NodeJS.Signals) => void;
}

/**
 * Closes the client cleanly on SIGTERM / SIGINT (commits, closes tasks with their checkpoints, leaves the
 * group), then exits. A second signal while closing exits at once (code 130), as a double Ctrl-C does.
 * Returns a function that removes the handlers.
 */
export function closeOnSignals(client: Closeable, options: CloseOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const exit = options.exit ?? true;
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) {
      log.warn(`${signal} received again while closing: exiting now`);
      process.exit(130);
    }
    closing = true;
    log.info(`${signal} received: closing`);
    void client
      .close({ timeout: timeoutMs })
      .catch((e: unknown) => {
        log.error(`close after ${signal} failed: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      })
      .then((clean) => {
        options.onClosed?.(clean, signal);
        if (exit) process.exit(clean ? 0 : 1);
      });
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
