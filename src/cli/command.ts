/** What every subcommand module exports as `command`. */
export interface CliCommand {
  /** Runs the command; resolves to the process exit code (see errors.ts `Exit`). Throws UsageError for bad input. */
  run(argv: string[]): Promise<number>;
}
