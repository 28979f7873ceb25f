/**
 * Captures are checked with tshark itself: if tshark is missing these tests fail (CI installs it).
 * tshark runs with its default settings only, as a person opening the file in Wireshark would.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EvidenceLog } from "../../src/evidence/log.js";
import type { ZclEvent } from "../../src/evidence/events.js";
import { LINKTYPE_IEEE802_15_4_WITHFCS, PcapWriter, fcs802154, writePcap } from "../../src/report/pcap.js";

const dir = mkdtempSync(join(tmpdir(), "hb-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IHD = "0x00db1234567890a0";
const HUB = "0x00db1234567890ff";
const PAN = 0x1a62;
const GPF_EP = 9;
const COT_AT = Date.parse("2026-03-01T12:00:00Z");
const MARKER = "T1-MSG-4821 previous occupier";

/** Seconds since 2000-01-01 UTC, little-endian, as ZCL UTCTime goes on the air. */
function utcLe(ms: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE((ms - Date.UTC(2000, 0, 1)) / 1000);
  return b.toString("hex");
}

function zcl(
  over: Partial<ZclEvent> & Pick<ZclEvent, "dir" | "clusterId" | "raw" | "command"> & { t?: string },
): ZclEvent & { t: string } {
  return {
    kind: "zcl",
    device: IHD,
    nwk: 0x4f21,
    deviceEp: 1,
    hubEp: GPF_EP,
    role: "gpf",
    profileId: 0x0109,
    frameType: "global",
    direction: over.dir === "in" ? "clientToServer" : "serverToClient",
    tsn: 0,
    commandId: 0,
    t: "2026-03-01T12:05:00.250Z",
    ...over,
  };
}

const message = Buffer.from(MARKER, "latin1");
const events = [
  // IHD reads ChangeOfTenancyUpdateDateTime and ProposedTenancyChangeControl from the GPF.
  zcl({ dir: "in", clusterId: 0x0708, command: "read", tsn: 0x21, raw: "00210000020102" }),
  // GPF answers: 0x0200 UTC = COT_AT, 0x0201 bitmap32 = 0x00000600.
  zcl({
    dir: "out",
    clusterId: 0x0708,
    command: "readRsp",
    tsn: 0x21,
    commandId: 1,
    raw: `182101000200e2${utcLe(COT_AT)}0102001b00060000`,
    t: "2026-03-01T12:05:00.300Z",
  }),
  // Messaging DisplayMessage with the tenancy-1 marker text (no ExtendedMessageControl, like GCS07).
  zcl({
    dir: "out",
    clusterId: 0x0703,
    frameType: "specific",
    command: "displayMessage",
    tsn: 0x22,
    raw: `092200d212000000${"00000000"}ffff${message.length.toString(16).padStart(2, "0")}${message.toString("hex")}`,
    t: "2026-03-01T12:05:01.000Z",
  }),
];

function tshark(file: string, fields: string[], filter?: string): string[][] {
  const args = ["-r", file, "-T", "fields", "-E", "separator=|"];
  if (filter) args.push("-Y", filter);
  for (const f of fields) args.push("-e", f);
  const out = execFileSync("tshark", args, { encoding: "utf8", env: { ...process.env, TZ: "UTC" }, stdio: "pipe" });
  return out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("|"));
}

describe("pcap capture", () => {
  it("computes the 802.15.4 FCS (CRC-16/KERMIT check value 0x2189)", () => {
    expect(fcs802154(Buffer.from("123456789")).readUInt16LE(0)).toBe(0x2189);
  });

  it("writes a pcap with the 802.15.4-with-FCS link type and one record per exchange", () => {
    const file = join(dir, "header.pcap");
    expect(writePcap(events, file, { panId: PAN, hubIeee: HUB })).toBe(3);
    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(bytes.readUInt32LE(20)).toBe(LINKTYPE_IEEE802_15_4_WITHFCS);
    // first record time stamp = the event's hub time
    expect(bytes.readUInt32LE(24)).toBe(Date.parse("2026-03-01T12:05:00Z") / 1000);
    expect(bytes.readUInt32LE(28)).toBe(250_000);
  });

  it("decodes in tshark down to the Device Management reads and the DisplayMessage text", () => {
    const file = join(dir, "cot.pcap");
    writePcap(events, file, { panId: PAN, hubIeee: HUB });
    const rows = tshark(file, [
      "wpan.fcs_ok",
      "wpan.dst_pan",
      "wpan.src16",
      "wpan.dst16",
      "zbee_nwk.src64",
      "zbee_nwk.dst64",
      "zbee_aps.profile",
      "zbee_aps.cluster",
      "zbee_aps.src",
      "zbee_aps.dst",
      "zbee_aps.counter",
      "zbee_zcl.cmd.tsn",
      "zbee_zcl.cmd.id",
      "zbee_zcl_se.device_management.attr_id",
      "zbee_zcl.attr.utc",
      "zbee_zcl.attr.bitmap32",
      "zbee_zcl_se.msg.message",
    ]);
    expect(rows).toHaveLength(3);
    const [read, rsp, msg] = rows as [string[], string[], string[]];
    // the read: IHD (0x4f21, endpoint 1) → hub (0x0000, GPF endpoint 9), SE profile, Device Management
    expect(read.slice(0, 11)).toEqual([
      "1",
      "0x1a62",
      "0x4f21",
      "0x0000",
      "00:db:12:34:56:78:90:a0",
      "00:db:12:34:56:78:90:ff",
      "0x0109",
      "0x0708",
      "1",
      "9",
      "0",
    ]);
    expect(read[11]).toBe("33");
    expect(read[12]).toBe("0x00");
    expect(read[13]).toBe("0x0200,0x0201");
    // the answer: the hub's first frame (APS counter 0 of the hub), readRsp with the CoT date and PTCC
    expect(rsp.slice(2, 11)).toEqual([
      "0x0000",
      "0x4f21",
      "00:db:12:34:56:78:90:ff",
      "00:db:12:34:56:78:90:a0",
      "0x0109",
      "0x0708",
      "9",
      "1",
      "0",
    ]);
    expect(rsp[12]).toBe("0x01");
    expect(rsp[13]).toBe("0x0200,0x0201");
    expect(rsp[14]).toMatch(/^Mar {1,2}1, 2026 12:00:00(\.0+)? UTC$/);
    expect(rsp[15]).toBe("0x00000600");
    // the message: Messaging cluster, the hub's second frame, the marker text decoded
    expect(msg[7]).toBe("0x0703");
    expect(msg[10]).toBe("1");
    expect(msg[16]).toBe(MARKER);
  });

  it("streams: each exchange is on disk and readable as soon as the evidence log records it", () => {
    const file = join(dir, "live.pcap");
    const log = new EvidenceLog({ now: () => COT_AT });
    const cap = new PcapWriter(file, { panId: PAN, hubIeee: HUB });
    const off = log.onEvent((e) => cap.write(e));
    log.append({ kind: "note", message: "not a frame" });
    const { t: _t, ...first } = events[0]!;
    log.append(first);
    expect(tshark(file, ["zbee_zcl_se.device_management.attr_id"])).toEqual([["0x0200,0x0201"]]);
    const { t: _t2, ...second } = events[2]!;
    log.append(second);
    expect(tshark(file, ["frame.number", "zbee_zcl_se.msg.message"])).toEqual([
      ["1", ""],
      ["2", MARKER],
    ]);
    expect(cap.frames).toBe(2);
    off();
    cap.close();
  });

  it("splits a frame too long for one PSDU with APS fragmentation, which tshark reassembles", () => {
    const long = "L".repeat(180);
    const file = join(dir, "frag.pcap");
    const n = writePcap(
      [
        zcl({
          dir: "out",
          clusterId: 0x0703,
          frameType: "specific",
          command: "displayMessage",
          raw: `090100d312000000${"00000000"}ffffb4${Buffer.from(long).toString("hex")}`,
        }),
      ],
      file,
      { panId: PAN, hubIeee: HUB },
    );
    expect(n).toBeGreaterThan(1);
    const rows = tshark(file, ["frame.len", "zbee_zcl_se.msg.message"]);
    for (const r of rows) expect(Number(r[0])).toBeLessThanOrEqual(127);
    expect(rows.map((r) => r[1]).filter((m) => m)).toEqual([long]);
  });

  it("takes the PAN id and hub address from the run event when no options are given", () => {
    const file = join(dir, "run.pcap");
    const run = {
      seq: 1,
      t: "2026-03-01T12:00:00.000Z",
      wall: "2026-03-01T12:00:00.000Z",
      kind: "run" as const,
      tool: "hanbench",
      version: "0.1.0",
      mode: "virtual" as const,
      seed: 1,
      hub: { panId: 0x2b3c, extendedPanId: HUB },
      baseline: {},
      windowMs: 0,
      duts: [],
    };
    writePcap([run, events[0]!], file);
    expect(tshark(file, ["wpan.dst_pan", "zbee_nwk.dst64"])).toEqual([["0x2b3c", "00:db:12:34:56:78:90:ff"]]);
  });

  it("PublishChangeOfTenancy: Wireshark shows PTCC byte-swapped (domain.md §3.7); the wire bytes are little-endian", () => {
    const file = join(dir, "publish.pcap");
    writePcap(
      [
        zcl({
          dir: "out",
          clusterId: 0x0708,
          frameType: "specific",
          command: "publishChangeOfTenancy",
          raw: `090500${"01000000"}${"07000000"}00${utcLe(COT_AT)}00020000`,
        }),
      ],
      file,
      { panId: PAN, hubIeee: HUB },
    );
    const [row] = tshark(file, [
      "zbee_zcl_se.device_management.publish_change_of_tenancy.issuer_event_id",
      "zbee_zcl_se.device_management.publish_change_of_tenancy.implementation_date",
      "zbee_zcl_se.device_management.publish_change_of_tenancy.proposed_tenancy_change_control",
    ]);
    expect(row![0]).toBe("0x00000007");
    expect(row![1]).toMatch(/^Mar {1,2}1, 2026 12:00:00(\.0+)? UTC$/);
    // 0x00000200 (bit 9, Clear IHD Data – Consumer) on the wire; Wireshark 4.0 reads it big-endian.
    expect(row![2]).toBe("0x00020000");
  });

  it("skips an event it cannot express instead of throwing into the evidence log, and keeps writing", () => {
    const file = join(dir, "bad.pcap");
    const log = new EvidenceLog({ now: () => COT_AT });
    const cap = new PcapWriter(file, { panId: PAN, hubIeee: HUB });
    log.onEvent((e) => cap.write(e));
    const { t: _t, ...good } = events[0]!;
    expect(() => log.append({ ...good, device: "not-an-eui64" })).not.toThrow();
    expect(() => log.append({ ...good, raw: "0g" })).not.toThrow();
    log.append(good);
    cap.close();
    expect(cap.skipped).toBe(2);
    expect(tshark(file, ["zbee_zcl_se.device_management.attr_id"])).toEqual([["0x0200,0x0201"]]);
  });

  it("addresses ESME frames to the ESME node when it is a node of its own", () => {
    const file = join(dir, "esme.pcap");
    const esmeRead = zcl({
      dir: "in",
      clusterId: 0x0708,
      command: "read",
      raw: "00300000020102",
      hubEp: 1,
      role: "esme",
    });
    const esmeRsp = zcl({
      dir: "out",
      clusterId: 0x0708,
      command: "readRsp",
      commandId: 1,
      raw: `183001000200e2${utcLe(COT_AT)}`,
      hubEp: 1,
      role: "esme",
    });
    writePcap([esmeRead, esmeRsp, events[2]!], file, {
      panId: PAN,
      hubIeee: HUB,
      esmeNode: { ieee: "0x00db1234567890e5", nwk: 0x7a01 },
    });
    expect(tshark(file, ["wpan.src16", "wpan.dst16", "zbee_nwk.src64", "zbee_nwk.dst64", "zbee_aps.counter"])).toEqual([
      ["0x4f21", "0x7a01", "00:db:12:34:56:78:90:a0", "00:db:12:34:56:78:90:e5", "0"],
      ["0x7a01", "0x4f21", "00:db:12:34:56:78:90:e5", "00:db:12:34:56:78:90:a0", "0"],
      // the GPF message still comes from the coordinator, with the coordinator's own first counter
      ["0x0000", "0x4f21", "00:db:12:34:56:78:90:ff", "00:db:12:34:56:78:90:a0", "0"],
    ]);
  });
});
