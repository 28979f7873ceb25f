/**
 * SIGINT (Ctrl-C) and SIGTERM for the long-running commands: the first asks the command to stop cleanly (the
 * returned signal aborts; the command finishes its step, flushes its evidence, closes the dongle and writes
 * what it can); a second quits at once with 130 (SIGINT) or 143 (SIGTERM). Even then the process's exit
 * handlers run: the evidence log writes what is waiting and the state directory's lock is released.
 */

export const SIGNAL_EXIT: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

export interface SignalStop {
  signal: AbortSignal;
  /** Treat a signal that reached someone else first (readline's Ctrl-C on a terminal) like one of ours. */
  raise(sig: "SIGINT" | "SIGTERM"): void;
  /** Removes the handlers. */
  dispose(): void;
}

export function stopOnSignals(command: string, whatHappens: string): SignalStop {
  const controller = new AbortController();
  const onSignal = (sig: "SIGINT" | "SIGTERM") => {
    if (controller.signal.aborted) {
      process.stderr.write(`hanbench ${command}: ${sig} again: quitting at once\n`);
      process.exit(SIGNAL_EXIT[sig]);
    }
    process.stderr.write(`\nhanbench ${command}: ${sig}: ${whatHappens} (again to quit at once)\n`);
    controller.abort(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    raise: onSignal,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
