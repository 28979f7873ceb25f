/**
 * One logger for the whole tool: JSON lines (pino), pretty only when stderr is a TTY.
 * Logs go to stderr so that a command's own output (JSON, hex, reports) stays clean on stdout.
 * Never pass key material to a logger: the redact list is a safety net, not a licence.
 */
import pino, { type Logger } from "pino";

export type { Logger };

const REDACT = ["networkKey", "*.networkKey", "installCode", "*.installCode", "linkKey", "*.linkKey", "key", "*.key"];

let defaultLevel = "info";

/**
 * The level used when HANBENCH_LOG_LEVEL does not say: a command whose own output is the interface (the
 * progress and verdicts of `hanbench run`) keeps the logs to warnings and errors.
 */
export function setDefaultLogLevel(level: "info" | "warn" | "error"): void {
  defaultLevel = level;
  if (root && !process.env.HANBENCH_LOG_LEVEL && !process.env.VITEST) root.level = level;
}

function build(): Logger {
  const level = process.env.HANBENCH_LOG_LEVEL ?? (process.env.VITEST ? "silent" : defaultLevel);
  if (process.stderr.isTTY && !process.env.HANBENCH_LOG_JSON) {
    return pino({
      level,
      redact: REDACT,
      transport: { target: "pino-pretty", options: { destination: 2, colorize: true, translateTime: "HH:MM:ss.l" } },
    });
  }
  return pino({ level, redact: REDACT }, pino.destination({ dest: 2, sync: true }));
}

let root: Logger | undefined;

/** The process-wide logger, or a child of it named after a component (`log("virtual")`). */
export function log(component?: string): Logger {
  root ??= build();
  return component ? root.child({ c: component }) : root;
}
