/**
 * The `hanbench` command: finds the subcommand and hands it the rest of the arguments.
 * Each subcommand lives in its own module under src/cli and exports `command: CliCommand`; the table below
 * names each module with a static import (loaded only when its command runs), so tools see every command.
 */
import { redactText } from "../redact.js";
import { Exit, UsageError } from "./errors.js";
import type { CliCommand } from "./command.js";

type Load = () => Promise<{ command: CliCommand }>;

const COMMANDS: Record<string, { summary: string; load: Load }> = {
  run: {
    summary: "run the Change-of-Tenancy suite (default: a dry-run on the virtual HAN)",
    load: () => import("./run.js"),
  },
  virtual: {
    summary: "run the virtual Z-Stack dongle with emulated devices on tcp:// or a pty",
    load: () => import("./virtual.js"),
  },
  serve: {
    summary: "run the emulated Comms Hub on a dongle, for a person at the bench",
    load: () => import("./serve.js"),
  },
  zcl: { summary: "decode or encode Smart Energy ZCL frames", load: () => import("./zcl.js") },
  cert: { summary: "show or issue Smart Energy implicit certificates (CBKE)", load: () => import("./cert.js") },
  report: {
    summary: "re-render reports from an evidence log, check its seal, compare two runs",
    load: () => import("./report.js"),
  },
  ports: { summary: "list serial ports and the matching dongle profiles", load: () => import("./ports.js") },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "hanbench — Change-of-Tenancy conformance bench for GB In-Home Displays and PPMIDs",
    "",
    "Usage: hanbench <command> [options]      hanbench <command> --help for details",
    "",
    "Commands:",
    ...lines,
    "",
    "Exit codes: 0 ok / every case passed, 1 a case failed, 2 usage or configuration error,",
    "            3 nothing failed but something was inconclusive or in error.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? Exit.usage : Exit.ok;
  }
  if (name === "--version" || name === "-V") {
    const { version } = await import("./version.js");
    process.stdout.write(`${version()}\n`);
    return Exit.ok;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`hanbench: unknown command '${name}'. Run 'hanbench --help' for the list.\n`);
    return Exit.usage;
  }
  // a run's own output (progress, verdicts) is its interface: its logs default to warnings and errors
  // (loaded here, not at the top: --help and --version need no logger)
  // (serve's console prints what happens itself, so its logs are kept to warnings and errors too)
  if (name === "run" || name === "serve") (await import("../log.js")).setDefaultLogLevel("warn");
  const { command } = await entry.load();
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hanbench ${name}: ${redactText(err.message)}\n`);
      return Exit.usage;
    }
    throw err;
  }
}
