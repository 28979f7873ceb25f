/** The virtual ZNP with its full command table. */
import type { ApsFrame } from "../han/types.js";
import { type CommandTable, ZnpEmulator, type ZnpEmulatorOptions } from "./emulator.js";
import { registerAf } from "./af.js";
import { registerSys } from "./sys.js";
import { registerUtil } from "./util.js";
import { onCoordinatorAps, registerZdo } from "./zdo.js";

export { ZnpEmulator, type ZnpEmulatorOptions } from "./emulator.js";
export { ZnpState } from "./state.js";

let table: CommandTable | undefined;

/** The built-in responders: SYS, AF, ZDO, UTIL and APP_CNF, keyed by (subsystem, command). */
export function commandTable(): CommandTable {
  if (!table) {
    table = { sreq: new Map(), areq: new Map() };
    registerSys(table);
    registerAf(table);
    registerZdo(table);
    registerUtil(table);
  }
  return table;
}

/** A virtual ZNP coordinator on `opts.medium`, with its state in `opts.state`. */
export function createZnp(opts: ZnpEmulatorOptions): ZnpEmulator {
  const emu = new ZnpEmulator(opts, commandTable());
  emu.onAps = (frame: ApsFrame) => onCoordinatorAps(emu, frame);
  return emu;
}
