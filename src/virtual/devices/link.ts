/**
 * What an SE client needs from the network under it: ZDO requests (answers from every node that replied)
 * and ZCL requests that resolve with the reply frame. `EmulatedSeDevice` provides it on the virtual HAN;
 * tests may provide it directly.
 */
export interface NodeAddress {
  nwk: number;
  ep: number;
}

export interface ZdoAnswer {
  /** Network address of the node that answered. */
  srcNwk: number;
  /** Response body without the ZDO TSN. */
  body: Buffer;
}

export interface SeLink {
  /** Sends a ZDO request (body without TSN) to a node or a broadcast address; resolves with every answer. */
  zdo(dstNwk: number, clusterId: number, body: Buffer): Promise<ZdoAnswer[]>;
  /** Sends a ZCL frame to an endpoint; resolves with the reply frame, or undefined when none came. */
  zcl(dst: NodeAddress, clusterId: number, frame: Buffer): Promise<Buffer | undefined>;
}
