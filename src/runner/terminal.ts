/**
 * The bench console on stdin/stdout. On a terminal: a prompt, line editing and history (node's readline),
 * Tab completion, and lines that arrive while the person types (a device joined, a CoT query) printed above
 * the prompt, which is drawn again with what was being typed. On a pipe (a script): no prompt and no echo,
 * one command after another; end of input ends the session like `quit`.
 *
 * Ctrl-C on the terminal ends the command in progress (a `wait`); at the prompt it ends the session.
 */
import { createInterface, type Interface } from "node:readline";

export const PROMPT = "hub> ";

export interface TerminalOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Applied to every line printed (serve: the redaction of key material). */
  filter?: (line: string) => string;
}

export interface LineHandler {
  /** Runs one line: resolves "quit" to end the session; a thrown error is printed as one `error:` line. */
  execute(line: string): Promise<"quit" | undefined>;
  /** Ctrl-C while a line runs: ends it; false when nothing was running. */
  interrupt(): boolean;
  /** readline's completer (terminal only): the candidates for the last word of `line`, and that word. */
  complete?(line: string): [string[], string];
}

/** Why a session ended. */
export type EndReason = "quit" | "end of input" | "interrupted" | "stopped";

export class ConsoleTerminal {
  readonly #opts: TerminalOptions;
  readonly #tty: boolean;
  #rl: Interface | undefined;
  /** The prompt is on the screen, waiting for a line. */
  #idle = false;
  #stopped = false;

  /** The output went away (a pipe whose reader quit, as `| head` does): further lines are dropped. */
  #outputGone = false;

  constructor(opts: TerminalOptions) {
    this.#opts = opts;
    this.#tty = opts.input.isTTY === true && opts.output.isTTY === true;
    // a closed pipe is no reason to crash the hub: it goes on, quietly, until its input ends
    opts.output.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      this.#outputGone = true;
    });
  }

  get isTty(): boolean {
    return this.#tty;
  }

  /** Prints a line at any time; on a terminal, above the prompt and what is being typed. */
  print(text: string): void {
    if (this.#outputGone) return;
    const out = this.#opts.output;
    const line = this.#opts.filter ? this.#opts.filter(text) : text;
    if (this.#tty && this.#idle && this.#rl) {
      out.write(`\r\x1b[2K${line}\n`);
      this.#rl.prompt(true);
      return;
    }
    out.write(`${line}\n`);
  }

  /** Ends the session from outside (a lost coordinator, a signal): the line in progress is interrupted. */
  stop(handler?: LineHandler): void {
    this.#stopped = true;
    handler?.interrupt();
    this.#rl?.close();
  }

  /** Reads and runs lines until `quit`, end of input, Ctrl-C at the prompt or `stop()`. */
  async run(handler: LineHandler): Promise<EndReason> {
    const { input, output } = this.#opts;
    const rl = this.#tty
      ? createInterface({
          input,
          output,
          terminal: true,
          prompt: PROMPT,
          historySize: 500,
          removeHistoryDuplicates: true,
          ...(handler.complete ? { completer: (line: string) => handler.complete!(line) } : {}),
        })
      : createInterface({ input, terminal: false });
    this.#rl = rl;
    let reason: EndReason = "end of input";
    let busy = false;
    rl.on("SIGINT", () => {
      if (busy && handler.interrupt()) return;
      reason = "interrupted";
      output.write("\n");
      rl.close();
    });
    const prompt = () => {
      if (!this.#tty || this.#stopped) return;
      this.#idle = true;
      rl.prompt();
    };
    prompt();
    try {
      for await (const line of rl) {
        this.#idle = false;
        busy = true;
        let result: "quit" | undefined;
        try {
          result = await handler.execute(line);
        } catch (err) {
          this.print(`error: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ")}`);
        } finally {
          busy = false;
        }
        if (result === "quit") {
          reason = "quit";
          break;
        }
        if (this.#stopped) break;
        prompt();
      }
    } finally {
      this.#idle = false;
      this.#rl = undefined;
      rl.close();
    }
    return this.#stopped ? "stopped" : reason;
  }
}
