/**
 * Which Smart Energy frames go with APS (link-key) security. The SE specification lists the clusters whose
 * unicast frames on the SE profile must be APS-secured (SE 1.4 §5.4.6, as cited by Silicon Labs' application
 * framework, which applies the list both ways: it secures such a frame it sends, and answers one received
 * without APS security with a Default Response FAILURE instead of handling it). Key Establishment, Basic and
 * Identify are not on it: they go with network security only.
 */
import { ClusterId, SE_PROFILE_ID } from "./ids.js";

/** Clusters whose unicast SE-profile frames need APS security (SE 1.4 §5.4.6). */
export const APS_SECURED_CLUSTERS: ReadonlySet<number> = new Set([
  ClusterId.time,
  0x0015, // Commissioning
  0x0019, // OTA Upgrade
  0x0600, // Generic Tunnel
  ClusterId.price,
  0x0701, // Demand Response and Load Control
  ClusterId.metering,
  ClusterId.messaging,
  0x0704, // Tunneling
  ClusterId.prepayment,
  0x0706, // Energy Management
  0x0707, // Calendar
  ClusterId.deviceManagement,
  ClusterId.events,
  0x070a, // MDU Pairing
  0x070b, // Sub-GHz
]);

/** Whether a frame of `clusterId` on `profileId` must be APS-secured (a broadcast never can be). */
export function apsSecurityRequired(profileId: number, clusterId: number, broadcast = false): boolean {
  return !broadcast && profileId === SE_PROFILE_ID && APS_SECURED_CLUSTERS.has(clusterId);
}
