/**
 * Device Management 0x0708 (domain.md §3), on the GPF and the ESME endpoints, each showing its own meter's
 * CoTs as the hub variant has it (variants.ts).
 *
 * 0x0200 ChangeOfTenancyUpdateDateTime and 0x0201 ProposedTenancyChangeControl show the meter's most
 * recently recorded CoT from the moment it is recorded, future-dated or not (a device must see a future date
 * to honour it). Before any CoT they are supported and read 0xFFFFFFFF (ZCL's "invalid" UTC time: no date
 * set; 0 under `no-cot-zero`) and 0x00000000 (no control bits): a stable "nothing yet" that a device can
 * compare against. A meter that carries no CoT under its variant (`esme-pre-5.1`, `gpf-pre-1.5`) serves
 * neither; under `esme-ptcc-unsupported` the ESME serves 0x0200 only. 0x0100 ProviderID is the meter's
 * supplier, before and after a CoT (a CoT is not a change of supplier).
 *
 * GetChangeOfTenancy → PublishChangeOfTenancy of the meter's latest CoT, or Default Response NOT_FOUND
 * before any (as Silicon Labs' server, §3.6) and always under `attributes-only`.
 */
import { msToZclUtc } from "../clock.js";
import type { CotRecord } from "../cots.js";
import type { ControlShown } from "../variants.js";
import { ClusterId, Status } from "../../zcl/index.js";
import { type AttributeTable, type ClusterServer, type CommandHandler, clusterServer } from "./server.js";

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

export interface DeviceManagementOptions {
  /** The meter serves 0x0200/0x0201 (default true). */
  carriesCot?: boolean;
  /** What 0x0201 shows (default the CoT's control; the hub stores 0 for a date-only meter). */
  control?: ControlShown;
  /** GetChangeOfTenancy answered with the latest CoT (default true); else always NOT_FOUND. */
  answersGetCot?: boolean;
  /** What 0x0200 reads before any CoT (default 0xFFFFFFFF). */
  noCotDate?: number;
}

export function deviceManagementServer(opts: DeviceManagementOptions = {}): ClusterServer {
  const carriesCot = opts.carriesCot ?? true;
  const answers = carriesCot && (opts.answersGetCot ?? true);
  const noCotDate = opts.noCotDate ?? 0xffffffff;
  const getChangeOfTenancy: CommandHandler = (env) => {
    const latest = env.cot;
    if (!latest || !answers) return { kind: "default", status: Status.NOT_FOUND };
    const payload = publishChangeOfTenancyPayload(latest);
    for (const [k, v] of Object.entries(payload)) env.served(`publishChangeOfTenancy.${k}`, v);
    return { kind: "response", commandId: 0x00, command: "publishChangeOfTenancy", payload };
  };
  const attributes: AttributeTable = { providerId: { get: (env) => env.providerId } };
  if (carriesCot) {
    attributes.changeOfTenancyUpdateDateTime = {
      get: (env) => (env.cot ? msToZclUtc(env.cot.implementationTime) : noCotDate),
    };
    if (opts.control !== "unsupported") {
      attributes.proposedTenancyChangeControl = { get: (env) => env.cot?.control ?? 0 };
    }
  }
  return clusterServer(ClusterId.deviceManagement, { attributes, commands: { getChangeOfTenancy } });
}
