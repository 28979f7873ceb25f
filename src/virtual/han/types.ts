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
  /**
   * APS security with the link key sender and receiver share: asked for by the sender, and as the receiver
   * gets it, proof that the frame was secured with the key it holds for the sender (the medium drops a
   * secured frame the receiver holds no such key for). Absent or false: network security only.
   */
  security?: boolean;
  /** An APS command frame (no endpoints, cluster or ZCL payload) instead of data: Request Key, Transport Key. */
  apsCommand?: ApsCommand;
}

/** APS command frames the virtual HAN carries (Zigbee 05-3474 §4.4.11: Transport Key 0x05, Request Key 0x08). */
export type ApsCommand =
  /** A device asks the trust centre for an application link key with `partner` (key type 0x02). */
  | { id: "requestKey"; keyType: 0x02; partner: string }
  /**
   * The trust centre hands a device an application link key (key type 0x03) shared with `partner`;
   * `initiator` is true for the device that asked. Key material: never logged.
   */
  | { id: "transportKey"; keyType: 0x03; partner: string; key: Buffer; initiator: boolean };

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
  /** The APS link key this member holds for the member with EUI-64 `partner`, if any. */
  apsKey?(partner: string): Buffer | undefined;
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
  /**
   * Why it was not delivered. `security`: an APS-secured frame the receiver holds no key (or another key)
   * for; the radio delivered it, the receiver's APS layer dropped it.
   */
  reason?: "loss" | "offline" | "unknown-destination" | "security";
  /** Real time of delivery (ms since the epoch). */
  atMs: number;
}

export const BROADCAST_ALL = 0xffff;
export const BROADCAST_RX_ON = 0xfffd;
export const BROADCAST_ROUTERS = 0xfffc;

export function isBroadcast(nwk: number): boolean {
  return nwk >= 0xfff8;
}
