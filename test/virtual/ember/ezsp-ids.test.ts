/**
 * The virtual NCP's named values (src/virtual/ember/ezsp-ids.ts) judged by unmodified herdsman's enums of the
 * same names: every value the NCP sends or reads must be the one the host's own EZSP code uses.
 */
import { describe, expect, it } from "vitest";
import * as ember from "zigbee-herdsman/dist/adapter/ember/enums.js";
import * as ezsp from "zigbee-herdsman/dist/adapter/ember/ezsp/enums.js";
import * as ids from "../../../src/virtual/ember/ezsp-ids.js";

/** Our table, herdsman's enum, and the names herdsman spells otherwise (ours → herdsman's). */
const TABLES: [string, Record<string, number>, Record<string, string | number>, Record<string, string>?][] = [
  ["SlStatus", ids.SlStatus, ember.SLStatus],
  ["ApsOption", ids.ApsOption, ember.EmberApsOption],
  ["EzspStatus", ids.EzspStatus, ember.EzspStatus],
  ["ConfigId", ids.ConfigId, ezsp.EzspConfigId, { PACKET_BUFFER_COUNT: "PACKET_BUFFER_HEAP_SIZE" }],
  ["ValueId", ids.ValueId, ezsp.EzspValueId],
  ["ExtendedValueId", ids.ExtendedValueId, ezsp.EzspExtendedValueId],
  ["PolicyId", ids.PolicyId, ezsp.EzspPolicyId],
  ["TcPolicy", ids.TcPolicy, ezsp.EzspDecisionBitmask],
  ["Decision", ids.Decision, ezsp.EzspDecisionId],
  ["NodeType", ids.NodeType, ember.EmberNodeType, { UNKNOWN: "UNKNOWN_DEVICE" }],
  [
    "NetworkStatus",
    ids.NetworkStatus,
    ember.EmberNetworkStatus,
    { JOINING: "JOINING_NETWORK", JOINED: "JOINED_NETWORK", LEAVING: "LEAVING_NETWORK" },
  ],
  ["DeviceUpdate", ids.DeviceUpdate, ember.EmberDeviceUpdate],
  ["JoinDecision", ids.JoinDecision, ember.EmberJoinDecision],
  ["IncomingMessageType", ids.IncomingMessageType, ember.EmberIncomingMessageType],
  ["OutgoingMessageType", ids.OutgoingMessageType, ember.EmberOutgoingMessageType],
  ["KeyType", ids.KeyType, ember.SecManKeyType],
  ["InitialSecurity", ids.InitialSecurity, ember.EmberInitialSecurityBitmask],
  ["KeyBits", ids.KeyBits, ember.EmberKeyStructBitmask],
  ["VersionType", ids.VersionType, ember.EmberVersionType],
  ["EndpointFlags", ids.EndpointFlags, ezsp.EzspEndpointFlag],
];

describe("the virtual NCP's named values", () => {
  for (const [name, ours, theirs, renamed = {}] of TABLES) {
    it(`${name}: every value is herdsman's`, () => {
      const expected = Object.fromEntries(Object.keys(ours).map((k) => [k, theirs[renamed[k] ?? k]]));
      expect(ours).toEqual(expected);
    });
  }
});
