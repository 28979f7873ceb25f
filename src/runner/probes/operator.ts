/**
 * The operator probe: a person looks at the device and answers questions in the terms the display shows
 * (cot-suite.md "Attribution"): a supplier message by its text, a day, week or month of electricity or gas
 * use by its UK local date and view, never raw attribute values. Every answer goes into the evidence
 * verbatim, with its time; a "yes" records that the display shows that period (or message), which the cases
 * attribute by the period. Without a terminal there is nobody to ask: the probe says so and the cases become
 * `inconclusive` — never a guess.
 *
 * Which periods: per meter and view (daily, weekly), the latest period that ended by the meter's latest CoT
 * date (the previous occupier's) and the latest complete period served (the new occupier's, once there is
 * one); messages: the latest few published or served to the device.
 */
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import type { EndpointRole } from "../../evidence/events.js";
import { emptyHoldings, type LookFor, type Probe, type ProbeAnswer } from "./types.js";

export interface OperatorIo {
  input: Readable & { isTTY?: boolean };
  output: Writable;
}

/** At most this many messages are asked about, the latest first. */
const MESSAGES_ASKED = 4;
const VIEWS_ASKED = ["day", "week"] as const;
const UK = "Europe/London";

function yes(answer: string): boolean | undefined {
  const a = answer.trim().toLowerCase();
  if (["y", "yes"].includes(a)) return true;
  if (["n", "no"].includes(a)) return false;
  return undefined;
}

/** A period as a display names it, in UK local time: `Tuesday, 3 March 2026`, `the week starting …`, `March 2026`. */
export function displayPeriod(view: "day" | "week" | "month", startIso: string): string {
  const d = new Date(startIso);
  const date = d.toLocaleDateString("en-GB", {
    timeZone: UK,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  if (view === "day") return date;
  if (view === "week") return `the week starting ${date}`;
  return d.toLocaleDateString("en-GB", { timeZone: UK, month: "long", year: "numeric" });
}

const FUEL: Record<EndpointRole, string> = { esme: "electricity", gpf: "gas" };
const VIEW_NAME = { day: "daily", week: "weekly", month: "monthly" } as const;

type Period = LookFor["periods"][number];

/** The periods to ask about: per meter and view, the previous occupier's latest and the latest complete one. */
export function periodsToAsk(lookFor: LookFor): Period[] {
  const out: Period[] = [];
  for (const role of ["esme", "gpf"] as const) {
    const t = lookFor.cots.find((c) => c.meter === role)?.implementationTime;
    for (const view of VIEWS_ASKED) {
      const list = lookFor.periods
        .filter((p) => p.role === role && p.view === view && p.measure === "consumption")
        .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      if (list.length === 0) continue;
      const running = list.at(-1)!.start;
      const complete = list.filter((p) => p.end <= running);
      const picks = new Map<string, Period>();
      const previous = t === undefined ? undefined : complete.filter((p) => p.end <= t).at(-1);
      if (previous) picks.set(previous.start, previous);
      const latest = complete.at(-1);
      if (latest) picks.set(latest.start, latest);
      out.push(...picks.values());
    }
  }
  return out;
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
      this.#io.output.write(`\n-- ${this.label}: look at the device now (${purpose}) --\n`);
      const messages = [...lookFor.messages]
        .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1))
        .slice(0, MESSAGES_ASKED);
      for (const m of messages) {
        if (await ask(`Does ${this.label} show the supplier message "${m.text}"?`)) {
          holdings.messages.push({ messageId: m.messageId, text: m.text });
        }
      }
      for (const p of periodsToAsk(lookFor)) {
        const question = `Does ${this.label} show ${FUEL[p.role]} use for ${displayPeriod(p.view, p.start)} (${VIEW_NAME[p.view]} view)?`;
        if (await ask(question)) {
          holdings.consumption.push({
            role: p.role,
            clusterId: p.clusterId,
            item: `${p.view} view`,
            period: p.start,
            periodEnd: p.end,
          });
        }
      }
    } finally {
      rl.close();
    }
    return { ok: true, holdings, answers };
  }
}
