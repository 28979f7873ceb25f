/**
 * The virtual dongle's public API, for the runner, the CLI and tests:
 *
 * - `VirtualDongle.start(opts)` → `{ url, path, medium, znp, faults, devices, addDevice(spec), addNode(node),
 *   cut(), stop() }` — a virtual Z-Stack ZNP on tcp:// (and a socat pty) with emulated devices.
 * - `HanMedium` — the simulated HAN (`onFrame` tap, `permitJoin`, latency / loss).
 * - `EmulatedNode` — the generic node SE devices extend (`join`, `leave`, `powerOff`, `powerOn`,
 *   `zdoRequest`, `zclRequest`, `sendZcl`, protected `handleZcl`, `nextTsn`).
 * - `registerDeviceKind(kind, factory)` / `createDevice(spec, …)` — device kinds by name (`node` built in).
 */
export { VirtualDongle, type VirtualDongleOptions } from "./dongle.js";
export { HanMedium, type MediumOptions, type TapListener } from "./han/medium.js";
export { EmulatedNode, type EmulatedNodeOptions, type BasicInfo, type ZclRequestOptions } from "./han/node.js";
export type { ApsFrame, HanMember, SimpleDescriptor, TapRecord, TrustCentre } from "./han/types.js";
export {
  registerDeviceKind,
  deviceKinds,
  createDevice,
  deviceIdentity,
  coordinatorIeee,
  type DeviceContext,
  type DeviceFactory,
} from "./registry.js";
export { LinkFaults, type Direction } from "./transport/faults.js";
export { socatAvailable } from "./transport/pty.js";
