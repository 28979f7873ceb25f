/**
 * One logger for the whole tool: JSON lines (pino), pretty only when stderr is a TTY.
 * Logs go to stderr so that a command's own output (JSON, hex, reports) stays clean on stdout.
 *
 * Every line goes through src/redact.ts on its way out: fields named like key material are redacted
 * whatever they hold, and the run's registered secrets (network key, install codes, link keys) are scrubbed
 * from the finished line in any form (hex with or without separators, decimal byte arrays). That covers the
 * host, herdsman's routed logger (src/host/herdsman-log.ts) and the virtual dongle alike. Never pass key
 * material to a logger all the same: redaction is a safety net, not a licence.
 */
import pino, { type Logger, type LoggerOptions } from "pino";
import { redactFields, redactText } from "./redact.js";

export type { Logger };

let defaultLevel = "info";

/**
 * The level used when HANBENCH_LOG_LEVEL does not say: a command whose own output is the interface (the
 * progress and verdicts of `hanbench run`) keeps the logs to warnings and errors.
 */
export function setDefaultLogLevel(level: "info" | "warn" | "error"): void {
  defaultLevel = level;
  if (root && !process.env.HANBENCH_LOG_LEVEL && !process.env.VITEST) root.level = level;
}

/** The options every logger of the tool is built with: the level, and redaction of every line. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    formatters: { log: (o) => redactFields(o) as Record<string, unknown> },
    hooks: { streamWrite: redactText },
  };
}

function build(): Logger {
  const level = process.env.HANBENCH_LOG_LEVEL ?? (process.env.VITEST ? "silent" : defaultLevel);
  if (process.stderr.isTTY && !process.env.HANBENCH_LOG_JSON) {
    return pino({
      ...loggerOptions(level),
      transport: { target: "pino-pretty", options: { destination: 2, colorize: true, translateTime: "HH:MM:ss.l" } },
    });
  }
  return pino(loggerOptions(level), pino.destination({ dest: 2, sync: true }));
}

let root: Logger | undefined;

/** The process-wide logger, or a child of it named after a component (`log("virtual")`). */
export function log(component?: string): Logger {
  root ??= build();
  return component ? root.child({ c: component }) : root;
}
