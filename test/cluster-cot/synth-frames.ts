/**
 * The ZCL frames of a synthetic run, shaped as the host's evidence tap logs them (src/host/tap.ts): reads
 * carry the attribute ids, Default Responses `{cmdId, statusCode}`, Read Attributes Responses the records.
 */
import type { EndpointRole, HeldMessage } from "../../src/evidence/events.js";
import type { Dut, SynthLog } from "./builders.js";

interface Frame {
  dir: "in" | "out";
  role?: EndpointRole;
  clusterId: number;
  global: boolean;
  commandId: number;
  command: string;
  payload?: unknown;
}

export function frames(log: SynthLog, endpoints: Record<EndpointRole, number>) {
  let tsn = 0;
  const nextTsn = () => {
    tsn = (tsn + 1) & 0xff;
    return tsn;
  };
  const zcl = (d: Dut, f: Frame) =>
    log.add({
      kind: "zcl",
      dir: f.dir,
      device: d.decl.ieee,
      nwk: 0x1000,
      deviceEp: 1,
      hubEp: f.role ? endpoints[f.role] : 1,
      ...(f.role ? { role: f.role } : {}),
      clusterId: f.clusterId,
      frameType: f.global ? "global" : "specific",
      direction: f.dir === "in" ? "clientToServer" : "serverToClient",
      tsn: nextTsn(),
      commandId: f.commandId,
      command: f.command,
      ...(f.payload !== undefined ? { payload: f.payload } : {}),
      raw: "00",
    });
  const defaultRsp = (d: Dut, role: EndpointRole | undefined, clusterId: number, statusCode: number) =>
    zcl(d, {
      dir: "out",
      ...(role ? { role } : {}),
      clusterId,
      global: true,
      commandId: 0x0b,
      command: "defaultRsp",
      payload: { cmdId: 0, statusCode },
    });
  return {
    /** A request to the coordinator's endpoint 1, which has no Smart Energy server: UNSUPPORTED_CLUSTER. */
    unanswered(d: Dut, clusterId: number, attrIds: number[]) {
      zcl(d, { dir: "in", clusterId, global: true, commandId: 0, command: "read", payload: attrIds });
      defaultRsp(d, undefined, clusterId, 0xc3);
    },
    getChangeOfTenancy(d: Dut, issuerEventId: number | undefined) {
      zcl(d, {
        dir: "in",
        role: "gpf",
        clusterId: 0x0708,
        global: false,
        commandId: 0,
        command: "getChangeOfTenancy",
        payload: {},
      });
      if (issuerEventId === undefined) defaultRsp(d, "gpf", 0x0708, 0x8b);
      else
        zcl(d, {
          dir: "out",
          role: "gpf",
          clusterId: 0x0708,
          global: false,
          commandId: 0,
          command: "publishChangeOfTenancy",
          payload: { issuerEventId },
        });
    },
    readTenancy(d: Dut, set: boolean) {
      zcl(d, {
        dir: "in",
        role: "esme",
        clusterId: 0x0708,
        global: true,
        commandId: 0,
        command: "read",
        payload: [0x200, 0x201],
      });
      const status = set ? 0 : 0x86;
      zcl(d, {
        dir: "out",
        role: "esme",
        clusterId: 0x0708,
        global: true,
        commandId: 1,
        command: "readRsp",
        payload: [
          { attrId: 0x200, status },
          { attrId: 0x201, status },
        ],
      });
    },
    read(d: Dut, role: EndpointRole, clusterId: number, n: number) {
      zcl(d, {
        dir: "in",
        role,
        clusterId,
        global: true,
        commandId: 0,
        command: "read",
        payload: Array.from({ length: n }, (_, i) => 0x401 + i),
      });
      zcl(d, { dir: "out", role, clusterId, global: true, commandId: 1, command: "readRsp" });
    },
    getLastMessage(d: Dut, last: HeldMessage | undefined) {
      zcl(d, {
        dir: "in",
        role: "esme",
        clusterId: 0x0703,
        global: false,
        commandId: 0,
        command: "getLastMessage",
        payload: {},
      });
      if (last)
        zcl(d, {
          dir: "out",
          role: "esme",
          clusterId: 0x0703,
          global: false,
          commandId: 0,
          command: "displayMessage",
          payload: { ...last },
        });
      else defaultRsp(d, "esme", 0x0703, 0x8b);
    },
    displayMessage(d: Dut, m: HeldMessage) {
      zcl(d, {
        dir: "out",
        role: "esme",
        clusterId: 0x0703,
        global: false,
        commandId: 0,
        command: "displayMessage",
        payload: { messageId: m.messageId, message: m.text },
      });
    },
  };
}
