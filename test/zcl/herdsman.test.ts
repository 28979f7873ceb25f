/**
 * The same frames through zigbee-herdsman's own codec (root export `Zcl`, with herdsmanClusters() as
 * customClusters) and through ours. herdsman holds repeated records, lists that run to the frame end and raw
 * remainders as one Buffer (it cannot express them), so those fields are compared as bytes.
 */
import { Zcl } from "zigbee-herdsman";
import { attributeKeyValue } from "zigbee-herdsman/dist/controller/helpers/zclFrameConverter.js";
import { Device } from "zigbee-herdsman/dist/controller/model/device.js";
import type { Cluster } from "zigbee-herdsman/dist/zspec/zcl/definition/tstype.js";
import { describe, expect, it } from "vitest";
import {
  CLUSTERS,
  type AttributeDef,
  type CommandDef,
  clusterByName,
  DataType,
  decodeZcl,
  encodeParams,
  encodeZcl,
  herdsmanClusters,
  type ParamDef,
} from "../../src/zcl/index.js";
import { allCommands, Gen, generatePayload, type Mode } from "./generate.js";
import { bytes, GCS07_COMMAND, GCS09_COMMAND } from "./vectors.js";

const custom = herdsmanClusters();
const registered = CLUSTERS.filter((c) => c.name in custom);

/** Our payload in herdsman's representation. */
function toHerdsman(params: readonly ParamDef[], payload: Record<string, unknown>): Record<string, unknown> {
  const hc: Record<string, unknown> = {};
  params.forEach((p, i) => {
    if (!(p.name in payload)) return;
    const v = payload[p.name];
    const listType = p.type === "list" && p.countField !== undefined && p.countField === params[i - 1]?.name;
    if (typeof p.type === "number") hc[p.name] = typeof v === "boolean" ? Number(v) : v;
    else if (listType) hc[p.name] = v;
    else if (p.type === "rest") hc[p.name] = v;
    else hc[p.name] = encodeParams([{ ...p, countField: undefined }], { [p.name]: v }, "x");
  });
  return hc;
}

function herdsmanDecode(clusterId: number, buf: Buffer) {
  return Zcl.Frame.fromBuffer(clusterId, Zcl.Header.fromBuffer(buf), buf, custom);
}

const cases = registered.flatMap((cluster) =>
  allCommands(cluster).map(({ direction, cmd }) => ({
    label: `${cluster.name} ${direction} ${cmd.name}`,
    cluster,
    direction,
    cmd,
  })),
);
const modes: Mode[] = ["min", "max", ...Array.from({ length: 12 }, () => "random" as const)];

function frames(cmd: CommandDef, direction: "clientToServer" | "serverToClient") {
  return modes.map((mode, seed) => {
    const g = new Gen(seed * 104729 + cmd.id, mode);
    return { mode, seed, tsn: g.int(255), payload: generatePayload(cmd.params, g), direction };
  });
}

describe("herdsman decodes our frames with the same names and values", () => {
  it.each(cases)("$label", ({ cluster, direction, cmd }) => {
    for (const f of frames(cmd, direction)) {
      const buf = encodeZcl(cluster.id, {
        frameType: "specific",
        direction,
        disableDefaultResponse: true,
        tsn: f.tsn,
        command: cmd.name,
        payload: f.payload,
      });
      const hz = herdsmanDecode(cluster.id, buf);
      expect(hz.cluster.name).toBe(cluster.name);
      expect((hz.command as { name: string }).name).toBe(cmd.name);
      expect(hz.header.transactionSequenceNumber).toBe(f.tsn);
      expect(hz.payload, `${f.mode} seed ${f.seed}`).toEqual(toHerdsman(cmd.params, f.payload));
    }
  });
});

describe("frames herdsman encodes decode with ours", () => {
  it.each(cases)("$label", ({ cluster, direction, cmd }) => {
    for (const f of frames(cmd, direction)) {
      const dir = direction === "clientToServer" ? Zcl.Direction.CLIENT_TO_SERVER : Zcl.Direction.SERVER_TO_CLIENT;
      const hcmd = Object.values(
        direction === "clientToServer" ? custom[cluster.name]!.commands : custom[cluster.name]!.commandsResponse,
      ).find((c) => c.ID === cmd.id)!;
      const buf = Zcl.Frame.create(
        Zcl.FrameType.SPECIFIC,
        dir,
        false,
        undefined,
        f.tsn,
        hcmd,
        cluster.name,
        toHerdsman(cmd.params, f.payload),
        custom,
      ).toBuffer();
      const ours = decodeZcl(cluster.id, buf);
      expect(ours.command).toBe(cmd.name);
      expect(ours.tsn).toBe(f.tsn);
      expect(ours.payload, `${f.mode} seed ${f.seed}`).toEqual(f.payload);
    }
  });
});

describe("herdsman's attribute conversion with our clusters", () => {
  it.each(registered.map((c) => ({ label: c.name, cluster: c })))(
    "$label: every attribute keeps its name and value, sentinels included",
    ({ cluster }) => {
      for (const [seed, mode] of (["min", "max", "random", "random"] as Mode[]).entries()) {
        const g = new Gen(seed, mode);
        const records = cluster.attributes.map((a) => ({
          attrId: a.id,
          status: 0,
          type: a.type,
          value: g.value(a.type, a.maxLen),
        }));
        // herdsman finds attributes by id alone: a client attribute sharing a server attribute's id is read
        // under the server's name (src/zcl/herdsman.ts), so it is left out here
        const twin = (a: AttributeDef) => a.client && cluster.attributes.some((b) => !b.client && b.id === a.id);
        for (const client of [false, true]) {
          const side = records.filter(
            (_, i) => !!cluster.attributes[i]!.client === client && !twin(cluster.attributes[i]!),
          );
          if (side.length === 0) continue;
          const buf = encodeZcl(cluster.id, {
            frameType: "global",
            direction: client ? "clientToServer" : "serverToClient",
            disableDefaultResponse: true,
            tsn: 1,
            command: "readRsp",
            payload: { records: side },
          });
          const converted = attributeKeyValue(herdsmanDecode(cluster.id, buf), undefined, custom);
          const expected = Object.fromEntries(
            side.map((r) => [
              cluster.attributes.find((a) => a.id === r.attrId && !!a.client === client)!.name,
              typeof r.value === "boolean" ? Number(r.value) : r.value,
            ]),
          );
          expect(converted, `${mode} client=${client}`).toEqual(expected);
        }
      }
    },
  );
});

describe("GB vectors through herdsman with our clusters", () => {
  it("GCS09 PublishChangeOfTenancy", () => {
    const hz = herdsmanDecode(0x0708, bytes(GCS09_COMMAND.hex));
    expect(hz.cluster.name).toBe("seDeviceManagement");
    expect(hz.payload).toEqual(GCS09_COMMAND.frame.payload);
  });

  it("GCS07 DisplayMessage keeps 0xFFFF as 65535 (not NaN) and has no ExtendedMessageControl", () => {
    const hz = herdsmanDecode(0x0703, bytes(GCS07_COMMAND.hex));
    expect(hz.payload).toEqual(GCS07_COMMAND.frame.payload);
    const again = Zcl.Frame.create(
      1,
      1,
      false,
      undefined,
      0,
      "displayMessage",
      "seMessaging",
      hz.payload,
      custom,
    ).toBuffer();
    expect(again.equals(bytes(GCS07_COMMAND.hex))).toBe(true);
  });
});

describe("metering id fixes", () => {
  const metering = clusterByName("seMetering")!;
  const ours = (id: number) => metering.attributes.filter((a) => a.id === id).map((a) => a.name);

  it("in our definitions", () => {
    expect(ours(0x0429)).toEqual(["previousDay6ConsumptionReceived"]);
    expect(ours(0x0420)).toEqual(["previousDay2ConsumptionDelivered"]);
    expect(ours(0x0312)).toEqual(["alternativeUnitOfMeasure"]);
    expect(ours(0x0313)).toEqual(["alternativeDemandFormatting"]);
    expect(ours(0x0314)).toEqual(["alternativeConsumptionFormatting"]);
    expect(ours(0x001c)).toEqual(["previousBlockPeriodConsumptionDelivered"]);
  });

  it("herdsman alone still has the bugs (the reason for the override)", () => {
    const plain = Zcl.Clusters.seMetering as Cluster;
    expect(Zcl.Utils.getClusterAttribute(plain, 0x0420, undefined)?.name).toBe("previousDay6ConsumptionReceived");
    expect(Zcl.Utils.getClusterAttribute(plain, 0x0313, undefined)).toBeUndefined();
  });

  it("in herdsman after Device.addCustomCluster merges our seMetering", () => {
    const device = { _customClusters: {} as Record<string, Cluster> };
    Device.prototype.addCustomCluster.call(device, "seMetering", custom.seMetering!);
    const merged = Zcl.Utils.getCluster(0x0702, undefined, device._customClusters);
    const name = (id: number) => Zcl.Utils.getClusterAttribute(merged, id, undefined)?.name;
    expect(name(0x0429)).toBe("previousDay6ConsumptionReceived");
    expect(name(0x0420)).toBe("previousDay2ConsumptionDelivered");
    expect(name(0x0312)).toBe("alternativeUnitOfMeasure");
    expect(name(0x0313)).toBe("alternativeDemandFormatting");
    expect(name(0x0314)).toBe("alternativeConsumptionFormatting");
    expect(name(0x0c01)).toBe("currentDayAlternativeConsumptionDelivered");
    // herdsman's misnamed 0x001C entry is replaced by ours, not left beside it
    expect(name(0x001c)).toBe("previousBlockPeriodConsumptionDelivered");
    expect(
      Object.values(merged.attributes)
        .filter((a) => a.ID === 0x001c)
        .map((a) => a.name),
    ).toEqual(["previousBlockPeriodConsumptionDelivered", "previousBlockPeriodConsumptionDelivered"]);
    // Every command entry of an id is our definition, reachable by id, by herdsman's key and by our name.
    expect(Zcl.Utils.getClusterCommandResponse(merged, 0x00).name).toBe("getProfileResponse");
    expect(Zcl.Utils.getClusterCommandResponse(merged, "getProfileRsp").name).toBe("getProfileResponse");
    expect(Zcl.Utils.getClusterCommand(merged, "scheduleSnapshot").ID).toBe(0x04);
    const metering = clusterByName("seMetering")!;
    for (const [list, ours] of [
      [merged.commands, metering.commands],
      [merged.commandsResponse, metering.commandsResponse],
    ] as const) {
      for (const c of Object.values(list)) expect(c.name).toBe(ours.find((o) => o.id === c.ID)?.name);
    }
  });

  it("a GetProfileResponse decodes the same through both codecs after the merge", () => {
    const device = { _customClusters: {} as Record<string, Cluster> };
    Device.prototype.addCustomCluster.call(device, "seMetering", custom.seMetering!);
    const payload = {
      endTime: 1000,
      status: 0,
      profileIntervalPeriod: 1,
      numberOfPeriodsDelivered: 2,
      intervals: [5, 0xffffff],
    };
    const buf = encodeZcl(0x0702, {
      frameType: "specific",
      direction: "serverToClient",
      disableDefaultResponse: true,
      tsn: 3,
      command: "getProfileResponse",
      payload,
    });
    const hz = Zcl.Frame.fromBuffer(0x0702, Zcl.Header.fromBuffer(buf), buf, device._customClusters);
    expect(hz.payload).toEqual(payload);
    expect(decodeZcl(0x0702, buf).payload).toEqual(payload);
  });

  it("a readRsp of the fixed ids carries the values to the right attributes", () => {
    const records = [
      { attrId: 0x0420, status: 0, type: DataType.UINT24, value: 20 },
      { attrId: 0x0429, status: 0, type: DataType.UINT24, value: 69 },
    ];
    const buf = encodeZcl(0x0702, {
      frameType: "global",
      direction: "serverToClient",
      disableDefaultResponse: true,
      tsn: 1,
      command: "readRsp",
      payload: { records },
    });
    const hz = herdsmanDecode(0x0702, buf);
    const byName = Object.fromEntries(
      (hz.payload as { attrId: number; attrData: unknown }[]).map((r) => [
        Zcl.Utils.getClusterAttribute(hz.cluster, r.attrId, undefined)?.name,
        r.attrData,
      ]),
    );
    expect(byName).toEqual({ previousDay2ConsumptionDelivered: 20, previousDay6ConsumptionReceived: 69 });
  });
});
