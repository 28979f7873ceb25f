/**
 * A small hub behind the `HubPort` interface, for host tests that must not depend on the hub model's
 * details: the real Device Log, a GPF and an ESME that answer differently (so a reply from the wrong server
 * shows), TimeStatus 9, PhysicalEnvironment 1, and a CoT that turns NOT_FOUND into PublishChangeOfTenancy.
 */
import { Zcl } from "zigbee-herdsman";
import type { Cluster } from "zigbee-herdsman/dist/zspec/zcl/definition/tstype.js";
import { DeviceLog } from "../../src/hub/device-log.js";
import type { CommandRequest, CommandResult, Push, ReadRecord, RequestContext } from "../../src/hub/types.js";
import { Status } from "../../src/zcl/index.js";
import type { HubEndpointInfo, HubPort } from "../../src/host/hub-port.js";
import type { EndpointRole } from "../../src/evidence/events.js";

const DT = Zcl.DataType;

/** Device Management, just what the tests need (the real definitions are src/zcl's). */
export const TEST_CLUSTERS: Record<string, Cluster> = {
  seDeviceManagement: {
    ID: 0x0708,
    name: "seDeviceManagement",
    attributes: {},
    commands: { getChangeOfTenancy: { ID: 0x00, name: "getChangeOfTenancy", parameters: [], response: 0x00 } },
    commandsResponse: {
      publishChangeOfTenancy: {
        ID: 0x00,
        name: "publishChangeOfTenancy",
        parameters: [
          { name: "providerId", type: DT.UINT32 },
          { name: "issuerEventId", type: DT.UINT32 },
          { name: "tariffType", type: DT.ENUM8 },
          { name: "implementationDateTime", type: DT.UTC },
          { name: "proposedTenancyChangeControl", type: DT.BITMAP32 },
        ],
      },
    },
  },
};

export class FakeHub implements HubPort {
  readonly endpoints: Record<EndpointRole, number> = { gpf: 0x23, esme: 0x24 };
  readonly deviceLog = new DeviceLog();
  readonly reads: { ctx: RequestContext; clusterId: number; attrIds: readonly number[] }[] = [];
  cot: { implementationDateTime: number; control: number } | undefined;
  #push: ((p: Push) => void)[] = [];

  roleOf(hubEp: number): EndpointRole | undefined {
    if (hubEp === this.endpoints.gpf) return "gpf";
    if (hubEp === this.endpoints.esme) return "esme";
    return undefined;
  }

  hubEndpoints(): HubEndpointInfo[] {
    return (["gpf", "esme"] as const).map((role) => ({
      role,
      endpoint: this.endpoints[role],
      deviceId: 0x0501,
      inClusters: [0x0000, 0x000a, 0x0702, 0x0708],
      outClusters: [],
    }));
  }

  read(ctx: RequestContext, clusterId: number, attrIds: readonly number[]): ReadRecord[] {
    this.reads.push({ ctx, clusterId, attrIds });
    return attrIds.map((attrId): ReadRecord => {
      if (clusterId === 0x000a && attrId === 0x0001) return { attrId, status: 0, type: DT.BITMAP8, value: 9 };
      if (clusterId === 0x0000 && attrId === 0x0011) return { attrId, status: 0, type: DT.ENUM8, value: 1 };
      if (clusterId === 0x0702 && attrId === 0x0000) {
        return { attrId, status: 0, type: DT.UINT48, value: ctx.role === "gpf" ? 1111 : 2222 };
      }
      if (clusterId === 0x0708 && attrId === 0x0200 && this.cot) {
        return { attrId, status: 0, type: DT.UTC, value: this.cot.implementationDateTime };
      }
      return { attrId, status: Status.UNSUPPORTED_ATTRIBUTE };
    });
  }

  command(_ctx: RequestContext, req: CommandRequest): CommandResult {
    if (req.clusterId === 0x0708 && req.commandId === 0x00) {
      if (!this.cot) return { kind: "default", status: Status.NOT_FOUND };
      return { kind: "response", commandId: 0, command: "publishChangeOfTenancy", payload: this.#publish() };
    }
    return { kind: "default", status: Status.UNSUP_COMMAND };
  }

  onPush(listener: (p: Push) => void): () => void {
    this.#push.push(listener);
    return () => {
      this.#push = this.#push.filter((l) => l !== listener);
    };
  }

  recordCot(cot: { implementationDateTime: number; control: number }, push: boolean): void {
    this.cot = cot;
    if (!push) return;
    for (const l of this.#push) {
      l({ role: "gpf", clusterId: 0x0708, commandId: 0, command: "publishChangeOfTenancy", payload: this.#publish() });
    }
  }

  #publish(): Record<string, unknown> {
    return {
      providerId: 0,
      issuerEventId: 473385600,
      tariffType: 0,
      implementationDateTime: this.cot?.implementationDateTime ?? 0,
      proposedTenancyChangeControl: this.cot?.control ?? 0,
    };
  }
}
