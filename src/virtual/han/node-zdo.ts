/**
 * How a node (an emulated device, or the virtual coordinator itself) answers ZDO requests about itself
 * (Zigbee spec 2.4.3), from its descriptors.
 */
import type { SimpleDescriptor } from "./types.js";
import { isBroadcast } from "./types.js";
import {
  type NodeDescriptorOptions,
  ZdoCluster,
  ZdoStatus,
  activeEpRsp,
  addrRsp,
  matchDescRsp,
  matchEndpoints,
  nodeDescRsp,
  parseMatchDescReq,
  powerDescRsp,
  simpleDescRsp,
  statusRsp,
} from "./zdo.js";

export interface NodeSelf {
  nwk: number;
  ieeeLe: Buffer;
  node: NodeDescriptorOptions;
  endpoints: readonly SimpleDescriptor[];
}

/** The response body (without TSN) to a ZDO request, or undefined for none (a broadcast not about us). */
export function answerZdo(self: NodeSelf, cluster: number, body: Buffer, broadcast: boolean): Buffer | undefined {
  const nwk = self.nwk;
  const about = body.length >= 2 ? body.readUInt16LE(0) : -1;
  const notMe = (status: number = ZdoStatus.DEVICE_NOT_FOUND) => {
    if (broadcast) return undefined;
    const b = Buffer.alloc(3);
    b[0] = status;
    b.writeUInt16LE(about < 0 ? nwk : about, 1);
    return b;
  };
  switch (cluster) {
    case ZdoCluster.NWK_ADDR_REQ: {
      if (body.length < 8 || !body.subarray(0, 8).equals(self.ieeeLe)) return broadcast ? undefined : notMe();
      return addrRsp(self.ieeeLe, nwk);
    }
    case ZdoCluster.IEEE_ADDR_REQ:
      return about === nwk ? addrRsp(self.ieeeLe, nwk) : notMe();
    case ZdoCluster.NODE_DESC_REQ:
      return about === nwk ? nodeDescRsp(nwk, self.node) : notMe();
    case ZdoCluster.POWER_DESC_REQ:
      return about === nwk ? powerDescRsp(nwk, self.node) : notMe();
    case ZdoCluster.ACTIVE_EP_REQ:
      return about === nwk
        ? activeEpRsp(
            nwk,
            self.endpoints.map((e) => e.endpoint),
          )
        : notMe();
    case ZdoCluster.SIMPLE_DESC_REQ: {
      if (about !== nwk) return notMe();
      const ep = body.length >= 3 ? body[2]! : 0;
      return simpleDescRsp(
        nwk,
        self.endpoints.find((e) => e.endpoint === ep),
        ep,
      );
    }
    case ZdoCluster.MATCH_DESC_REQ: {
      const req = parseMatchDescReq(body);
      if (req.nwkOfInterest !== nwk && !isBroadcast(req.nwkOfInterest)) return notMe();
      const eps = matchEndpoints(req, self.endpoints);
      if (broadcast && eps.length === 0) return undefined;
      return matchDescRsp(nwk, eps);
    }
    case ZdoCluster.BIND_REQ:
    case ZdoCluster.UNBIND_REQ:
    case ZdoCluster.MGMT_PERMIT_JOIN_REQ:
      return broadcast ? undefined : statusRsp(ZdoStatus.SUCCESS);
    case ZdoCluster.MGMT_LEAVE_REQ:
      return statusRsp(ZdoStatus.SUCCESS);
    case ZdoCluster.MGMT_LQI_REQ:
    case ZdoCluster.MGMT_RTG_REQ:
    case ZdoCluster.MGMT_BIND_REQ:
      return broadcast ? undefined : Buffer.from([ZdoStatus.SUCCESS, 0, 0, 0]);
    default:
      return broadcast ? undefined : statusRsp(ZdoStatus.NOT_SUPPORTED);
  }
}
