/**
 * Contract of the simulated HAN: what travels on it (APS frames) and what sits on it (members).
 * The coordinator (the virtual ZNP) and every emulated device are members of one medium.
 */

/** One APS data frame. `payload` is the ZCL frame (or, on endpoint 0 / profile 0, TSN + ZDO body). */
export interface ApsFrame {
  srcNwk: number;
  srcEp: number;
  dstNwk: number;
  dstEp: number;
  profileId: number;
  clusterId: number;
  payload: Buffer;
}

/** An endpoint's simple descriptor (ZDO Simple_Desc). */
export interface SimpleDescriptor {
  endpoint: number;
  profileId: number;
  deviceId: number;
  deviceVersion: number;
  inClusters: number[];
  outClusters: number[];
}

/** Something with an address on the medium. */
export interface HanMember {
  readonly ieee: string;
  readonly nwk: number | undefined;
  /** Reachable now: joined and powered. */
  readonly online: boolean;
  /** MAC capability flags it joins with (0x02 router, 0x08 receiver on when idle); absent: a router, as far as the coordinator can tell. */
  readonly macCapabilities?: number;
  /** A frame addressed to this member (or broadcast) arrives. */
  receive(frame: ApsFrame): void;
}

/** The trust centre's part in joins and leaves (the coordinator plays it). */
export interface TrustCentre {
  /** Why `ieee` may not join, or undefined to admit it. `installCode` is the device's code with its CRC. */
  refuseReason(ieee: string, installCode: Buffer | undefined): string | undefined;
  /** A network address remembered for `ieee` from an earlier join. */
  rememberedAddress(ieee: string): number | undefined;
  /** A device has joined (`rejoin` false) or rejoined with `nwk`, announcing MAC `capabilities`. */
  deviceJoined(ieee: string, nwk: number, rejoin: boolean, capabilities?: number): void;
  /** A device left; `rejoin` true when it said it will come back. */
  deviceLeft(ieee: string, nwk: number, rejoin: boolean): void;
}

/** What the tap sees for every frame the medium carried. */
export interface TapRecord {
  frame: ApsFrame;
  delivered: boolean;
  /** Why it was not delivered. */
  reason?: "loss" | "offline" | "unknown-destination";
  /** Real time of delivery (ms since the epoch). */
  atMs: number;
}

export const BROADCAST_ALL = 0xffff;
export const BROADCAST_RX_ON = 0xfffd;
export const BROADCAST_ROUTERS = 0xfffc;

export function isBroadcast(nwk: number): boolean {
  return nwk >= 0xfff8;
}
