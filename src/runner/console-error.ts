/** The one error of the bench console's commands (src/runner/console.ts and the DUT commands of console-dut.ts). */

/**
 * A line the console cannot carry out. `usage`: the line itself is wrong (a missing or malformed argument),
 * so the message gets the command's usage as a hint; otherwise (a wait that timed out) the message says all.
 */
export class ConsoleError extends Error {
  override name = "ConsoleError";
  constructor(
    message: string,
    readonly usage = true,
  ) {
    super(message);
  }
}
