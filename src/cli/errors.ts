/** Exit codes of the `kstreams` command. */
export const ExitCode = {
  OK: 0,
  /** Something failed while running (broker unreachable, processing error…). */
  FAILURE: 1,
  /** The command line was wrong (unknown topology, bad option). */
  USAGE: 2,
  /** Some input records were rejected (malformed lines); the others were processed. */
  BAD_INPUT: 3,
  /** Stopped by a second Ctrl-C before a clean shutdown finished. */
  INTERRUPTED: 130,
} as const;

/** An error the CLI reports as `kstreams: <message>` and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
