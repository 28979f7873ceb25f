/** The virtual EmberZNet NCP with its full command table. */
import type { HanMedium } from "../han/medium.js";
import { SlStatus } from "./ezsp-ids.js";
import { EmberNcp, type EmberNcpOptions, type HandlerTable } from "./ncp.js";
import { configHandlers } from "./ncp-config.js";
import { messagingHandlers, receiveFromHan } from "./ncp-messaging.js";
import { networkHandlers } from "./ncp-network.js";
import { securityHandlers } from "./ncp-security.js";

export { EmberNcp, type EmberNcpOptions, type NcpVersion, DEFAULT_NCP_VERSION } from "./ncp.js";
export { NcpState, NCP_STATE_FILE } from "./ncp-state.js";
export { type EmberFormedNetwork, preformEmberNetwork } from "./ncp-network.js";

/** Every command handler, keyed by the names of ezsp-commands.ts. */
export const HANDLERS: HandlerTable = {
  ...configHandlers,
  ...networkHandlers,
  ...securityHandlers,
  ...messagingHandlers,
};

/** A virtual EmberZNet NCP on `opts.medium`, with its tokens in `opts.state`. */
export function createEmberNcp(opts: EmberNcpOptions): EmberNcp {
  const ncp = new EmberNcp(opts, HANDLERS, receiveFromHan);
  watchPermitJoin(ncp, opts.medium);
  return ncp;
}

/** Opening and closing the network (by the host or when the window ends) is a stack status change. */
function watchPermitJoin(ncp: EmberNcp, medium: HanMedium): void {
  medium.onPermitJoin((open) => {
    if (!ncp.ram.networkUp) return;
    ncp.callback("stackStatusHandler", {
      status: open ? SlStatus.ZIGBEE_NETWORK_OPENED : SlStatus.ZIGBEE_NETWORK_CLOSED,
    });
  });
}
