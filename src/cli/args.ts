/** The command line of a subcommand: node:util parseArgs, with a malformed line as a UsageError (one line, exit 2). */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors.js";

/** `parseArgs(config)`; what it refuses becomes a UsageError with its first line and `hint` after it. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, hint?: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    const message = (err as Error).message.split("\n")[0]!;
    throw new UsageError(hint ? `${message}. ${hint}` : message);
  }
}
