/** The virtual ZNP with its full command table. */
import type { ApsFrame } from "../han/types.js";
import { AF_RESPONDERS } from "./af.js";
import { APP_CNF_RESPONDERS } from "./app-cnf.js";
import { type ResponderTable, ZnpEmulator, type ZnpEmulatorOptions, responderTable } from "./emulator.js";
import { LINK_KEY_RESPONDERS, apsLinkKey, onTrustCentreCommand } from "./link-keys.js";
import { SAPI_RESPONDERS } from "./sapi.js";
import { SYS_RESPONDERS } from "./sys.js";
import { UTIL_RESPONDERS } from "./util.js";
import { ZDO_RESPONDERS, onCoordinatorAps } from "./zdo.js";

export { ZnpEmulator, type ZnpEmulatorOptions } from "./emulator.js";
export { ZnpState } from "./state.js";

/** The built-in responders: SYS, AF, ZDO, SAPI, UTIL and APP_CNF, and the link keys, keyed by (subsystem, command). */
export const RESPONDERS: ResponderTable = responderTable(
  SYS_RESPONDERS,
  AF_RESPONDERS,
  ZDO_RESPONDERS,
  SAPI_RESPONDERS,
  UTIL_RESPONDERS,
  APP_CNF_RESPONDERS,
  LINK_KEY_RESPONDERS,
);

/** A virtual ZNP coordinator on `opts.medium`, with its state in `opts.state`. */
export function createZnp(opts: ZnpEmulatorOptions): ZnpEmulator {
  const emu = new ZnpEmulator(opts, RESPONDERS);
  emu.onAps = (frame: ApsFrame) => (frame.apsCommand ? onTrustCentreCommand(emu, frame) : onCoordinatorAps(emu, frame));
  emu.apsKey = (partner) => apsLinkKey(emu.state, partner);
  return emu;
}
