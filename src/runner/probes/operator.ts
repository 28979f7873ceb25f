/**
 * The operator probe: a person looks at the device and answers questions that name the exact marker
 * texts and values to look for. Every answer goes into the evidence verbatim, with its time. Without a
 * terminal there is nobody to ask: the probe says so and the cases become `inconclusive` — never a guess.
 */
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { emptyHoldings, type LookFor, type Probe, type ProbeAnswer } from "./types.js";

export interface OperatorIo {
  input: Readable & { isTTY?: boolean };
  output: Writable;
}

function yes(answer: string): boolean | undefined {
  const a = answer.trim().toLowerCase();
  if (["y", "yes"].includes(a)) return true;
  if (["n", "no"].includes(a)) return false;
  return undefined;
}

export class OperatorProbe implements Probe {
  readonly method = "operator" as const;
  readonly #io: OperatorIo;

  constructor(
    readonly label: string,
    io?: OperatorIo,
  ) {
    this.#io = io ?? { input: process.stdin, output: process.stderr };
  }

  async take(purpose: string, lookFor: LookFor): Promise<ProbeAnswer> {
    if (!this.#io.input.isTTY) {
      return { ok: false, error: "operator probe needs a terminal to ask a person; none is attached" };
    }
    const rl = createInterface({ input: this.#io.input, output: this.#io.output, terminal: false });
    const answers: Record<string, string> = {};
    const holdings = emptyHoldings();
    const ask = async (question: string): Promise<boolean> => {
      for (;;) {
        const a = await rl.question(`  ${question} [y/n] `);
        const v = yes(a);
        if (v !== undefined) {
          answers[question] = a.trim();
          return v;
        }
        this.#io.output.write("  please answer y or n\n");
      }
    };
    try {
      this.#io.output.write(`\n== ${this.label}: look at the device now (${purpose}) ==\n`);
      for (const m of lookFor.messages) {
        if (await ask(`Does ${this.label} show the supplier message "${m.text}" (id ${m.messageId})?`)) {
          holdings.messages.push({ messageId: m.messageId, text: m.text });
        }
      }
      const byTenancy = new Map<number, LookFor["consumption"]>();
      for (const c of lookFor.consumption) byTenancy.set(c.tenancy, [...(byTenancy.get(c.tenancy) ?? []), c]);
      for (const [, values] of [...byTenancy].sort((a, b) => a[0] - b[0])) {
        const sample = values
          .slice(0, 3)
          .map((v) => `${v.item}${v.period ? ` (${v.period.slice(0, 10)})` : ""} = ${String(v.value)}`)
          .join("; ");
        if (await ask(`Does ${this.label} show consumption history such as: ${sample}?`)) {
          for (const { tenancy: _t, ...held } of values) holdings.consumption.push(held);
        }
      }
    } finally {
      rl.close();
    }
    return { ok: true, holdings, answers };
  }
}
