/**
 * Device Management 0x0708 (domain.md §3), on the GPF and the ESME endpoints, each showing its own meter's
 * CoTs.
 *
 * 0x0200 ChangeOfTenancyUpdateDateTime and 0x0201 ProposedTenancyChangeControl show the meter's most
 * recently recorded CoT from the moment it is recorded, future-dated or not (a device must see a future date
 * to honour it). Before any CoT they are supported and read 0xFFFFFFFF (ZCL's "invalid" UTC time: no date
 * set) and 0x00000000 (no control bits): a stable "nothing yet" that a device can compare against.
 * 0x0100 ProviderID is the meter's supplier, before and after a CoT (a CoT is not a change of supplier).
 *
 * GetChangeOfTenancy → PublishChangeOfTenancy of the meter's latest CoT, or Default Response NOT_FOUND
 * before any (as Silicon Labs' server, §3.6).
 */
import { msToZclUtc } from "../clock.js";
import type { CotRecord } from "../cots.js";
import { ClusterId, Status } from "../../zcl/index.js";
import { type ClusterServer, type CommandHandler, clusterServer } from "./server.js";

const NO_COT_DATE = 0xffffffff;

/** The PublishChangeOfTenancy payload of a CoT record (src/zcl field names). */
export function publishChangeOfTenancyPayload(r: CotRecord): Record<string, unknown> {
  return {
    providerId: r.providerId,
    issuerEventId: r.issuerEventId,
    tariffType: r.tariffType,
    implementationDateTime: msToZclUtc(r.implementationTime),
    proposedTenancyChangeControl: r.control,
  };
}

export function deviceManagementServer(): ClusterServer {
  const getChangeOfTenancy: CommandHandler = (env) => {
    const latest = env.cot;
    if (!latest) return { kind: "default", status: Status.NOT_FOUND };
    const payload = publishChangeOfTenancyPayload(latest);
    for (const [k, v] of Object.entries(payload)) env.served(`publishChangeOfTenancy.${k}`, v);
    return { kind: "response", commandId: 0x00, command: "publishChangeOfTenancy", payload };
  };
  return clusterServer(ClusterId.deviceManagement, {
    attributes: {
      providerId: { get: (env) => env.providerId },
      changeOfTenancyUpdateDateTime: {
        get: (env) => (env.cot ? msToZclUtc(env.cot.implementationTime) : NO_COT_DATE),
      },
      proposedTenancyChangeControl: { get: (env) => env.cot?.control ?? 0 },
    },
    commands: { getChangeOfTenancy },
  });
}
