/**
 * Progress of a run on stderr: one line per phase and per wait, with hub time. On a terminal the current
 * wait is redrawn in place; elsewhere (CI logs) each line is printed once. `--quiet` silences it.
 */
import type { CoordinatorInfo } from "../evidence/events.js";

export class Progress {
  readonly #out: NodeJS.WriteStream | undefined;
  readonly #tty: boolean;
  #open = false;

  constructor(opts: { quiet: boolean; stream?: NodeJS.WriteStream }) {
    this.#out = opts.quiet ? undefined : (opts.stream ?? process.stderr);
    this.#tty = Boolean(this.#out?.isTTY);
  }

  /** A line that stays. */
  line(text: string): void {
    if (!this.#out) return;
    this.#clear();
    this.#out.write(`${text}\n`);
  }

  /** A status that the next status or line replaces (terminal only). */
  status(text: string): void {
    if (!this.#out || !this.#tty) return;
    this.#out.write(`\r\x1b[2K${text}`);
    this.#open = true;
  }

  done(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#open && this.#out) this.#out.write("\r\x1b[2K");
    this.#open = false;
  }
}

/** `2026-11-28 14:00` of a hub-time instant (UTC). */
export function hubTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z`;
}

/** The coordinator's facts in one line, as serve and run print them at start. */
export function coordinatorLine(c: CoordinatorInfo | undefined): string {
  if (!c) return "coordinator: not started";
  const parts = [
    c.adapter,
    `firmware ${c.firmware ?? "not reported"}`,
    c.ieee ? `IEEE ${c.ieee}` : undefined,
    c.channel !== undefined ? `channel ${c.channel}` : undefined,
    c.panId ? `PAN ${c.panId}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return `coordinator: ${parts.join(", ")}`;
}
