/**
 * The generic ZCL server of an emulated node: Read Attributes from its attribute store, Configure Reporting
 * accepted, On/Off and Identify commands, and an "unsupported" Default Response for anything else. Smart
 * Energy devices put their own handling in front of it (EmulatedNode.handleZcl).
 */
import { ClusterId, DataType, globalCommand, Status, type ZclHeader } from "../../zcl/index.js";
import type { AttributeStore } from "./attribute-store.js";
import type { ApsFrame } from "./types.js";
import { defaultRsp, readAttributeIds, readRsp, replyHeader } from "./zcl-lite.js";

/** On/Off's OnOff and Identify's IdentifyTime (ZCL general clusters, each attribute 0x0000). */
export const ON_OFF = 0x0000;
export const IDENTIFY_TIME = 0x0000;

const id = (name: string): number => globalCommand(name)!.id;
/** Global command ids by src/zcl's names, looked up once (a frame is matched by id, not by a search). */
const READ = id("read");
const CONFIGURE_REPORTING = id("configureReporting");
const CONFIGURE_REPORTING_RSP = id("configureReportingRsp");
/** Responses and reports need no answer. */
const NO_ANSWER = new Set(["readRsp", "writeRsp", "configureReportingRsp", "report", "defaultRsp"].map(id));

/** A Default Response with `status`, or nothing for SUCCESS when the request disabled it. */
function maybeDefault(h: ZclHeader, status: number): Buffer | undefined {
  if (h.disableDefaultResponse && status === Status.SUCCESS) return undefined;
  return defaultRsp(h, status);
}

/** The reply to a ZCL frame addressed to the node (`h` its header), or undefined for none. */
export function serveZcl(store: AttributeStore, frame: ApsFrame, h: ZclHeader): Buffer | undefined {
  const data = frame.payload;
  if (h.frameType === "global") {
    if (h.commandId === READ) {
      let ids: number[];
      try {
        ids = readAttributeIds(data, h);
      } catch {
        return defaultRsp(h, Status.MALFORMED_COMMAND);
      }
      return readRsp(h, ids, store.cluster(frame.dstEp, frame.clusterId));
    }
    if (h.commandId === CONFIGURE_REPORTING)
      return Buffer.concat([replyHeader(h, CONFIGURE_REPORTING_RSP), Buffer.from([Status.SUCCESS])]);
    if (NO_ANSWER.has(h.commandId)) return undefined;
    return defaultRsp(h, Status.UNSUP_GENERAL_COMMAND);
  }
  if (h.direction === "serverToClient") return maybeDefault(h, Status.SUCCESS);
  if (frame.clusterId === ClusterId.onOff && h.commandId <= 2) {
    const cur = store.get(frame.dstEp, ClusterId.onOff, ON_OFF)?.value === true;
    const next = h.commandId === 2 ? !cur : h.commandId === 1;
    store.set(frame.dstEp, ClusterId.onOff, ON_OFF, DataType.BOOLEAN, next);
    return maybeDefault(h, Status.SUCCESS);
  }
  if (frame.clusterId === ClusterId.identify && h.commandId === 0 && data.length >= h.length + 2) {
    store.set(frame.dstEp, ClusterId.identify, IDENTIFY_TIME, DataType.UINT16, data.readUInt16LE(h.length));
    return maybeDefault(h, Status.SUCCESS);
  }
  return defaultRsp(h, Status.UNSUP_COMMAND);
}
