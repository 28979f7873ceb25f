/**
 * The console probe: a test build of a real device prints its data store on a serial console. The DUT
 * file names the port, the command that asks for a dump, and the patterns of the lines that matter.
 * Opened with serialport's native binding; lines split with @serialport/parser-delimiter.
 *
 * Values come with their periods (cot-suite.md "Attribution"): a `period` group holds the start, or an ISO
 * interval `START/END`; an optional `periodEnd` group the end. A message line may name when the device
 * received it (`received`); aggregate lines name their start and granularity; state lines are reported.
 */
import { DelimiterParser } from "@serialport/parser-delimiter";
import { SerialPort } from "serialport";
import type { Holdings } from "../../evidence/events.js";
import type { ConsoleProbeSpec } from "../dut-file.js";
import { emptyHoldings, type LookFor, type Probe, type ProbeAnswer } from "./types.js";
import { ClusterId } from "../../zcl/index.js";

function role(groups: Record<string, string | undefined>): "esme" | "gpf" {
  return groups.role?.toLowerCase() === "gpf" ? "gpf" : "esme";
}

function numberOrText(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** A period group: `START` or `START/END` (ISO 8601 interval), `-` for none; plus an optional end group. */
function periodOf(groups: Record<string, string | undefined>): { period?: string; periodEnd?: string } {
  const raw = groups.period;
  if (!raw || raw === "-") return {};
  const [start, end] = raw.split("/");
  const periodEnd = groups.periodEnd ?? end;
  return { ...(start ? { period: start } : {}), ...(periodEnd ? { periodEnd } : {}) };
}

const GRANULARITIES = new Set(["day", "week", "month", "year"]);

/**
 * A console that speaks like `hanbench virtual --console` (src/virtual/console.ts): `dump` + CR LF, then
 * `HIST <role> <item> <start>/<end> <value>`, `MSG <id> <received> <text>`, `AGG <role> <item> <start>
 * <granularity> <value>` and `STATE <role> <item> <value>` lines up to `END`. What `probe EUI64 console PORT`
 * uses at the serve console; a test build printing the same lines needs no DUT file. (That console prints
 * top-ups and debts without their times, so they are not read.)
 */
export const VIRTUAL_CONSOLE: Omit<ConsoleProbeSpec, "port"> = {
  method: "console",
  baudRate: 115200,
  dumpCommand: "dump\r\n",
  endMarker: "END",
  timeoutMs: 2_000,
  patterns: {
    consumption: /^HIST (?<role>esme|gpf) (?<item>\S+) (?<period>\S+) (?<value>-?\d+(?:\.\d+)?)$/,
    message: /^MSG (?<messageId>\d+) (?<received>\S+) (?<text>.*)$/,
    aggregate: /^AGG (?<role>esme|gpf) (?<item>\S+) (?<start>\S+) (?<granularity>\S+) (?<value>\S+)$/,
    state: /^STATE (?<role>esme|gpf) (?<item>\S+) (?<value>\S+)$/,
  },
};

/** Turns the lines of a dump into holdings; lines matching no pattern are ignored. */
export function parseDump(lines: string[], patterns: ConsoleProbeSpec["patterns"]): Holdings {
  const h = emptyHoldings();
  for (const line of lines) {
    const c = patterns.consumption?.exec(line)?.groups;
    if (c) {
      h.consumption.push({
        role: role(c),
        clusterId: /CostConsumption/.test(c.item!) ? ClusterId.prepayment : ClusterId.metering,
        item: c.item!,
        value: numberOrText(c.value),
        ...periodOf(c),
      });
      continue;
    }
    const m = patterns.message?.exec(line)?.groups;
    if (m) {
      h.messages.push({
        messageId: Number(m.messageId),
        text: m.text ?? "",
        ...(m.received && m.received !== "-" ? { receivedAt: m.received } : {}),
      });
      continue;
    }
    const a = patterns.aggregate?.exec(line)?.groups;
    if (a && GRANULARITIES.has(a.granularity ?? "")) {
      h.aggregates!.push({
        role: role(a),
        item: a.item!,
        start: a.start!,
        granularity: a.granularity as "day" | "week" | "month" | "year",
        ...(a.value !== undefined ? { value: numberOrText(a.value) } : {}),
      });
      continue;
    }
    const st = patterns.state?.exec(line)?.groups;
    if (st) {
      h.state!.push({ role: role(st), clusterId: ClusterId.metering, item: st.item!, value: numberOrText(st.value) });
      continue;
    }
    const t = patterns.topUp?.exec(line)?.groups;
    if (t) {
      h.topUps.push({ role: role(t), clusterId: ClusterId.prepayment, item: t.item!, value: numberOrText(t.value) });
      continue;
    }
    const d = patterns.debt?.exec(line)?.groups;
    if (d)
      h.debts.push({ role: role(d), clusterId: ClusterId.prepayment, item: d.item!, value: numberOrText(d.value) });
  }
  return h;
}

export class ConsoleProbe implements Probe {
  readonly method = "console" as const;
  readonly readsLookFor = false;
  constructor(readonly spec: ConsoleProbeSpec) {}

  async take(_purpose: string, _lookFor: LookFor): Promise<ProbeAnswer> {
    let dump: { lines: string[]; ended: boolean };
    try {
      dump = await this.read();
    } catch (err) {
      return { ok: false, error: `console probe on ${this.spec.port}: ${(err as Error).message}` };
    }
    // the end marker alone is an answer: an empty store (a device that has just cleared everything)
    if (dump.lines.length === 0 && !dump.ended) {
      return { ok: false, error: `console probe on ${this.spec.port}: no answer to the dump command` };
    }
    return { ok: true, holdings: parseDump(dump.lines, this.spec.patterns) };
  }

  /**
   * Opens the port, sends the dump command, and collects lines until the end marker (`ended`) or a quiet
   * period.
   */
  read(): Promise<{ lines: string[]; ended: boolean }> {
    const { port: path, baudRate, dumpCommand, endMarker, timeoutMs } = this.spec;
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      const parser = port.pipe(new DelimiterParser({ delimiter: "\n", includeDelimiter: false }));
      const lines: string[] = [];
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      let ended = false;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        parser.removeAllListeners("data");
        const close = () => (err ? reject(err) : resolve({ lines, ended }));
        if (port.isOpen) port.close(() => close());
        else close();
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(), timeoutMs);
      };
      parser.on("data", (chunk: Buffer) => {
        const line = chunk.toString("utf8").replace(/\r$/, "");
        if (endMarker !== undefined && line.trim() === endMarker) {
          ended = true;
          return finish();
        }
        lines.push(line);
        arm();
      });
      port.on("error", (err) => finish(err));
      port.open((err) => {
        if (err) return finish(err);
        port.write(dumpCommand, (werr) => {
          if (werr) finish(werr);
        });
        arm();
      });
    });
  }
}
