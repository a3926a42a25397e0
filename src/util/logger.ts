/**
 * A minimal leveled logger (Java logs dropped records and handler decisions at WARN). The level comes from
 * `KSTREAMS_LOG_LEVEL` (error, warn, info, debug; default warn) so that tests and benchmarks can quiet it.
 */
const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof LEVELS;

const configured = (process.env.KSTREAMS_LOG_LEVEL ?? 'warn').toLowerCase();
let threshold: number = configured in LEVELS ? LEVELS[configured as Level] : LEVELS.warn;

export function setLogLevel(level: Level): void {
  threshold = LEVELS[level];
}

export const log = {
  error: (msg: string, ...args: unknown[]): void => void (threshold >= 0 && console.error(`[kstreams] ERROR ${msg}`, ...args)),
  warn: (msg: string, ...args: unknown[]): void => void (threshold >= 1 && console.warn(`[kstreams] WARN ${msg}`, ...args)),
  info: (msg: string, ...args: unknown[]): void => void (threshold >= 2 && console.info(`[kstreams] INFO ${msg}`, ...args)),
  debug: (msg: string, ...args: unknown[]): void => void (threshold >= 3 && console.debug(`[kstreams] DEBUG ${msg}`, ...args)),
};
