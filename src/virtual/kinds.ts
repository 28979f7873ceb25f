/** The generic device kind `node`: one HA endpoint with Basic, Identify and On/Off servers. */
import { EmulatedNode } from "./han/node.js";
import { DeviceSpecError, registerDeviceKind } from "./registry.js";
import { ClusterId, HA_PROFILE_ID } from "../zcl/index.js";

export const GENERIC_NODE_ENDPOINT = {
  endpoint: 1,
  profileId: HA_PROFILE_ID,
  deviceId: 0x0100,
  deviceVersion: 1,
  inClusters: [ClusterId.basic, ClusterId.identify, ClusterId.onOff],
  outClusters: [],
};

registerDeviceKind("node", (ctx) => {
  if (ctx.profile !== undefined)
    throw new DeviceSpecError(`device kind 'node' takes no profile (got 'node:${ctx.profile}')`);
  return new EmulatedNode({
    ieee: ctx.ieee,
    installCode: ctx.installCode,
    label: ctx.label,
    endpoints: [GENERIC_NODE_ENDPOINT],
    basic: { modelId: "virtual-node", manufacturerName: "hanbench", dateCode: "20260101", swBuildId: "0.1.0" },
    clock: ctx.clock,
    medium: ctx.medium,
    autoJoin: ctx.autoJoin,
  });
});
