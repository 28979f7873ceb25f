/**
 * The away phase on the bench: a person switches the devices off and on again when asked, all of them in one
 * prompt; the restart phase (COT-16): a person power-cycles every device, then has it leave the network and
 * join again, asked once for all of them. Without a terminal there is nobody to ask: the run says so in the
 * evidence and goes on.
 */
import { createInterface } from "node:readline/promises";
import type { EvidenceSink } from "../evidence/log.js";
import type { OperatorIo } from "./probes/operator.js";
import type { Progress } from "./progress.js";

export class PowerPrompt {
  readonly #io: OperatorIo;
  readonly #evidence: EvidenceSink;
  readonly #progress: Progress;

  constructor(opts: { io: OperatorIo; evidence: EvidenceSink; progress: Progress }) {
    this.#io = opts.io;
    this.#evidence = opts.evidence;
    this.#progress = opts.progress;
  }

  /**
   * Asks for a device to be switched off (`online` false) or back on, or (`factoryReset`) reset to factory
   * settings and left off, and records that it was. Resolves with whether someone was there to ask.
   */
  ask(d: { label: string; ieee: string; online: boolean; factoryReset?: boolean }): Promise<boolean> {
    return this.askAll([d], d.online, d.factoryReset ?? false);
  }

  /**
   * Asks for every device to be switched off (`online` false) or back on, or (`factoryReset`) reset to factory
   * settings and left off, in one prompt, and records that each was. Resolves with whether someone was there.
   */
  async askAll(
    devices: readonly { label: string; ieee: string }[],
    online: boolean,
    factoryReset = false,
  ): Promise<boolean> {
    const what = factoryReset
      ? "reset it to factory settings (it leaves the network and forgets what it shows), then leave it off"
      : online
        ? "switch it back on (after a factory reset: put it in join mode)"
        : "switch it off (or take its batteries out)";
    if (!this.#io.input.isTTY) {
      for (const d of devices) {
        // Not a bench fault (an ErrorEvent would make COT-10 `error`): the evidence cannot be had, so COT-10
        // finds no presence record and is `inconclusive` (cot-suite.md "Verdicts").
        this.#evidence.append({
          kind: "note",
          message: `no terminal to ask the operator to ${what} for ${d.label}: whether it was away is unknown`,
          data: { device: d.ieee, away: !online, ...(factoryReset ? { factoryReset: true } : {}) },
        });
        this.#progress.line(
          `  ${d.label}: nobody to ${what} (no terminal); ${factoryReset ? "COT-14 and COT-19" : "COT-10"} will be inconclusive`,
        );
      }
      return false;
    }
    const names = devices.map((d) => `${d.label} (${d.ieee})`).join(", ");
    const all = factoryReset
      ? "reset each of them to factory settings, then leave them off"
      : online
        ? "switch them back on"
        : "switch each of them off (or take its batteries out)";
    await this.#untilEnter(`  ${names}: ${devices.length === 1 ? what : all}, then press Enter `);
    for (const d of devices) {
      this.#evidence.append({ kind: "presence", device: d.ieee, online });
      if (factoryReset) {
        this.#evidence.append({
          kind: "note",
          message: `${d.label} reset to factory settings by the operator`,
          data: { device: d.ieee, factoryReset: true },
        });
      }
    }
    return true;
  }

  /**
   * One prompt for every device: power-cycle it, wait until it shows data again, then have it leave the network
   * and join again (the Device Log still holds it; joining is open). Records both restarts of each device once
   * the operator says they are done; without a terminal, a note and no record (COT-16 is `inconclusive`).
   */
  async askRestarts(duts: { label: string; ieee: string }[]): Promise<void> {
    const names = duts.map((d) => `${d.label} (${d.ieee})`).join(", ");
    if (!this.#io.input.isTTY) {
      this.#evidence.append({
        kind: "note",
        message: `no terminal to ask the operator to power-cycle ${names} and have them leave and rejoin: COT-16 cannot see those restarts`,
        data: { devices: duts.map((d) => d.ieee) },
      });
      this.#progress.line(`  nobody to power-cycle ${names} (no terminal); COT-16 will be inconclusive`);
      return;
    }
    await this.#untilEnter(
      `  ${names}: for each, switch it off (batteries out, screen dark) for 10 s and on again, wait until it shows its data, then have it leave the network and join again (its menu's leave or re-pair; joining is open); then press Enter `,
    );
    for (const d of duts) {
      this.#evidence.append({ kind: "restart", what: "power-cycle", device: d.ieee, by: "operator" });
      this.#evidence.append({ kind: "restart", what: "leave-rejoin", device: d.ieee, by: "operator" });
    }
  }

  /** Ends the progress line, asks `question` on the terminal and resolves once the operator presses Enter. */
  async #untilEnter(question: string): Promise<void> {
    this.#progress.done();
    const rl = createInterface({ input: this.#io.input, output: this.#io.output, terminal: false });
    try {
      await rl.question(question);
    } finally {
      rl.close();
    }
  }
}
