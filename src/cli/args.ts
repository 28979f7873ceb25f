/** The command line of a subcommand: node:util parseArgs, with a malformed line as a UsageError (one line, exit 2). */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { parseDuration } from "../duration.js";
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

/** A DURATION option's value in ms; one it cannot read is a UsageError that names the flag (`--window: …`). */
export function durationOption(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}
