/** A problem with what the user typed or configured: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit codes of every hanbench command (see `hanbench --help`). */
export const Exit = {
  ok: 0,
  failed: 1,
  usage: 2,
  inconclusive: 3,
} as const;
