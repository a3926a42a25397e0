import { KafkaClientError } from '../kafka/errors.js';
import { log } from '../util/logger.js';

/** A failure worth trying again: the client says a retry may succeed (lost connection, leader moving, ...). */
export function isRetriable(e: unknown): boolean {
  return e instanceof KafkaClientError && e.retriable;
}

/**
 * Runs `fn` until it succeeds, retrying failures `retriable` accepts for up to `forMs` (Java's
 * `task.timeout.ms` spirit: a broker restarting or metadata catching up is waited out, not fatal).
 */
export async function retrying<T>(what: string, forMs: number, fn: () => Promise<T>, retriable: (e: unknown) => boolean = isRetriable): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!retriable(e) || Date.now() > deadline) throw e;
      log.debug(`${what}: ${e instanceof Error ? e.message : String(e)}; retrying (attempt ${attempt})`);
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** Math.min(attempt, 5))));
    }
  }
}
