/**
 * Metering, Prepayment, Price and Messaging through the codec, checked against the layouts in domain.md
 * §4–§7 and against each other (a day's history equals the sum of its profile intervals, within the three
 * digits that carry the period).
 */
import { describe, expect, it } from "vitest";
import { msToZclUtc, zclUtcToMs } from "../../src/hub/clock.js";
import type { Push } from "../../src/hub/types.js";
import { clusterServer } from "../../src/hub/servers/server.js";
import { makeHub, readAttrs, roundTrip, served, T0 } from "./fixture.js";

const HH = 30 * 60 * 1000;

describe("Metering", () => {
  it("serves formatting, units and device type per role", () => {
    const { hub } = makeHub();
    const esme = readAttrs(hub, "esme", 0x0702, [0x0300, 0x0301, 0x0302, 0x0303, 0x0306]).byId;
    const gpf = readAttrs(hub, "gpf", 0x0702, [0x0300, 0x0306, 0x0312, 0x045c]).byId;
    expect(gpf.get(0x045c)).toMatchObject({ type: 0x21, value: 0 }); // HistoricalFreezeTime: local midnight
    expect(esme.get(0x0306)?.value).toBe(0);
    expect(esme.get(0x0300)).toMatchObject({ type: 0x30, value: 0 }); // kWh
    expect(esme.get(0x0302)).toMatchObject({ type: 0x22, value: 1000 }); // real GB meters: Divisor 1000
    expect(esme.get(0x0303)).toMatchObject({ type: 0x18, value: 0x2b });
    expect(gpf.get(0x0300)?.value).toBe(1); // m³
    expect(gpf.get(0x0306)?.value).toBe(0x80); // Mirrored Gas Metering, as a GB GPF serves it
    expect(gpf.get(0x0312)?.value).toBe(0); // alternative unit kWh
  });

  it("serves the historical set with its types; Received and (on the ESME) alternative attributes are unsupported", () => {
    const { hub } = makeHub();
    const ids = [0x0401, 0x0403, 0x0420, 0x042c, 0x0430, 0x043a, 0x0440, 0x045a, 0x0402, 0x0c01];
    const esme = readAttrs(hub, "esme", 0x0702, ids).byId;
    for (const id of [0x0401, 0x0403, 0x0420, 0x042c, 0x0430, 0x043a])
      expect(esme.get(id)).toMatchObject({ status: 0, type: 0x22 });
    for (const id of [0x0440, 0x045a]) expect(esme.get(id)).toMatchObject({ status: 0, type: 0x23 });
    expect(esme.get(0x0402)?.status).toBe(0x86);
    expect(esme.get(0x0c01)?.status).toBe(0x86);
    const gpf = readAttrs(hub, "gpf", 0x0702, [0x0c01, 0x0c03, 0x0c2c, 0x0c3a, 0x0c5a]).byId;
    for (const r of gpf.values()) expect(r.status).toBe(0);
  });

  it("GetProfile: 30-minute intervals, newest first, ending at the last complete half-hour; the bytes follow §4.4", () => {
    const { hub, evidence } = makeHub();
    const { bytes, frame } = roundTrip(hub, "esme", 0x0702, {
      command: "getProfile",
      payload: { intervalChannel: 0, endTime: 0, numberOfPeriods: 4 },
      tsn: 0x11,
    });
    const end = msToZclUtc(Math.floor(T0 / HH) * HH);
    expect(bytes!.subarray(0, 3).toString("hex")).toBe("191100");
    expect(bytes!.readUInt32LE(3)).toBe(end);
    expect([...bytes!.subarray(7, 10)]).toEqual([0x00, 0x02, 0x04]); // status, 30 min, 4 periods
    expect(bytes!.length).toBe(10 + 4 * 3);
    const intervals = frame!.payload.intervals as number[];
    expect(intervals).toHaveLength(4);
    for (const [k, v] of intervals.entries()) expect(bytes!.readUIntLE(10 + 3 * k, 3)).toBe(v);
    // Newest first: the served evidence names each interval's period (09:30, 09:00, 08:30, 08:00).
    expect(served(evidence).map((e) => [e.item, e.value, e.period])).toEqual(
      intervals.map((v, k) => [
        `getProfileResponse.intervals[${k}]`,
        v,
        new Date(Math.floor(T0 / HH) * HH - (k + 1) * HH).toISOString(),
      ]),
    );
  });

  it("GetProfile caps the periods at 16, refuses channel 1 (status 2) and unknown channels (status 1)", () => {
    const { hub } = makeHub();
    const many = roundTrip(hub, "gpf", 0x0702, {
      command: "getProfile",
      payload: { intervalChannel: 0, endTime: 0, numberOfPeriods: 200 },
    });
    expect(many.frame!.payload.numberOfPeriodsDelivered).toBe(16);
    const rx = roundTrip(hub, "gpf", 0x0702, {
      command: "getProfile",
      payload: { intervalChannel: 1, endTime: 0, numberOfPeriods: 2 },
    });
    expect(rx.frame!.payload).toMatchObject({ status: 2, numberOfPeriodsDelivered: 0, intervals: [] });
    const bad = roundTrip(hub, "gpf", 0x0702, {
      command: "getProfile",
      payload: { intervalChannel: 7, endTime: 0, numberOfPeriods: 2 },
    });
    expect(bad.frame!.payload.status).toBe(1);
  });

  it("the previous day's consumption equals the sum of that day's 48 profile intervals, within the period digits", () => {
    const { hub, evidence } = makeHub();
    const dayStart = Date.UTC(2026, 2, 3);
    const endTime = msToZclUtc(dayStart + 24 * 3600_000);
    let sum = 0;
    for (const chunk of [0, 1, 2]) {
      const end = endTime - chunk * 16 * 1800;
      const r = roundTrip(hub, "esme", 0x0702, {
        command: "getProfile",
        payload: { intervalChannel: 0, endTime: end, numberOfPeriods: 16 },
      });
      expect(r.frame!.payload.endTime).toBe(end);
      sum += (r.frame!.payload.intervals as number[]).reduce((a, b) => a + b, 0);
    }
    const day = readAttrs(hub, "esme", 0x0702, [0x0403]).byId.get(0x0403)!.value as number;
    expect(Math.abs(day - sum)).toBeLessThan(1000);
    expect(day).toBeGreaterThan(1_000);
    const ev = served(evidence).find(
      (e) => e.item === "previousDayConsumpDelivered" || e.item.startsWith("previousDayConsumption"),
    );
    expect(ev?.period).toBe("2026-03-03T00:00:00.000Z");
    expect(ev?.periodEnd).toBe("2026-03-04T00:00:00.000Z");
    const first = served(evidence).find((e) => e.item === "getProfileResponse.intervals[0]");
    expect([first?.period, first?.periodEnd]).toEqual(["2026-03-03T23:30:00.000Z", "2026-03-04T00:00:00.000Z"]);
  });

  it("GetSampledData: half-hour samples from the earliest time, complete ones only", () => {
    const { hub } = makeHub();
    const earliest = msToZclUtc(T0 - 3 * HH);
    const { frame, bytes } = roundTrip(hub, "gpf", 0x0702, {
      command: "getSampledData",
      payload: { sampleId: 7, earliestSampleTime: earliest, sampleType: 0, numberOfSamples: 10 },
    });
    expect(frame!.command).toBe("getSampledDataResponse");
    const start = Math.ceil((T0 - 3 * HH) / HH) * HH;
    expect(frame!.payload).toMatchObject({
      sampleId: 7,
      sampleStartTime: msToZclUtc(start),
      sampleType: 0,
      sampleRequestInterval: 1800,
    });
    // 09:00–09:30 and 09:30–10:00 are complete at 10:15; 10:00–10:30 is not.
    expect(frame!.payload.numberOfSamples).toBe(2);
    expect(bytes!.length).toBe(3 + 2 + 4 + 1 + 2 + 2 + 2 * 3);
    const future = roundTrip(hub, "gpf", 0x0702, {
      command: "getSampledData",
      payload: { sampleId: 7, earliestSampleTime: msToZclUtc(T0), sampleType: 0, numberOfSamples: 10 },
    });
    expect(future.bytes!.toString("hex")).toBe("185a0b088b");
    const wrongType = roundTrip(hub, "gpf", 0x0702, {
      command: "getSampledData",
      payload: { sampleId: 7, earliestSampleTime: earliest, sampleType: 2, numberOfSamples: 10 },
    });
    expect(wrongType.bytes!.toString("hex")).toBe("185a0b0885");
  });

  it("the summation grows with time and never decreases", async () => {
    const { hub, clock } = makeHub();
    const values: number[] = [];
    for (let k = 0; k < 6; k++) {
      values.push(readAttrs(hub, "esme", 0x0702, [0x0000]).byId.get(0)!.value as number);
      await clock.advance(HH);
    }
    for (let k = 1; k < values.length; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    expect(values.at(-1)!).toBeGreaterThan(values[0]!);
  });
});

describe("Prepayment", () => {
  it("serves a meter in prepayment mode with credit display (PaymentControlConfiguration 0x0013)", () => {
    const { hub } = makeHub();
    for (const role of ["gpf", "esme"] as const) {
      const r = readAttrs(hub, role, 0x0705, [0x0000, 0x055c]).byId;
      // bit 0 disconnection, bit 1 Prepayment Enabled, bit 4 Credit Display Enabled (domain-review W7)
      expect(r.get(0x0000)).toMatchObject({ type: 0x19, value: 0x0013 });
      expect(r.get(0x055c)).toMatchObject({ type: 0x21, value: 0 });
    }
  });

  it("serves credit, top-up set 1 (the latest) and debt set 1", () => {
    const { hub } = makeHub();
    const ids = [0x0001, 0x0100, 0x0101, 0x0102, 0x0103, 0x0110, 0x0210, 0x0211, 0x0217, 0x051c, 0x0503];
    const r = readAttrs(hub, "esme", 0x0705, ids).byId;
    expect(r.get(0x0001)).toMatchObject({ type: 0x2b });
    expect(zclUtcToMs(r.get(0x0100)!.value as number)).toBeLessThanOrEqual(T0);
    expect(r.get(0x0100)!.value as number).toBeGreaterThan(r.get(0x0110)!.value as number); // set 1 newer than set 2
    expect((r.get(0x0103)!.value as Buffer).toString()).toMatch(/^UTRN-\d{10}$/);
    expect((r.get(0x0210)!.value as Buffer).toString()).toBe("ELEC-DEBT-1");
    expect(r.get(0x0503)!.value).toBe(826);
    // the running day's cost carries the day's number in its last three digits
    expect((r.get(0x051c)!.value as number) % 1000).toBe(Math.round(Date.UTC(2026, 2, 4) / 86_400_000) % 1000);
  });

  it("GetTopUpLog → PublishTopUpLog with the latest top-ups, newest first, matching the top-up sets", () => {
    const { hub, evidence } = makeHub();
    const { frame, bytes } = roundTrip(hub, "gpf", 0x0705, {
      command: "getTopUpLog",
      payload: { latestEndTime: 0, numberOfRecords: 3 },
    });
    expect(frame!.command).toBe("publishTopUpLog");
    expect(bytes!.subarray(0, 5).toString("hex")).toBe("195a050001");
    const topUps = frame!.payload.topUps as { topUpCode: Buffer; topUpAmount: number; topUpTime: number }[];
    expect(topUps).toHaveLength(3);
    expect(topUps[0]!.topUpTime).toBeGreaterThan(topUps[1]!.topUpTime);
    const sets = readAttrs(hub, "gpf", 0x0705, [0x0100, 0x0101, 0x0103]).byId;
    expect(topUps[0]!.topUpTime).toBe(sets.get(0x0100)!.value);
    expect(topUps[0]!.topUpAmount).toBe(sets.get(0x0101)!.value);
    expect(topUps[0]!.topUpCode.equals(sets.get(0x0103)!.value as Buffer)).toBe(true);
    // the code goes into the evidence as the text a display shows, not as bytes
    const code = served(evidence).find((e) => e.item === "publishTopUpLog.topUps[0].topUpCode");
    expect(code?.value).toBe(topUps[0]!.topUpCode.toString("utf8"));
    expect(code?.value).toMatch(/^UTRN-/);
  });

  it("GetDebtRepaymentLog → PublishDebtLog filtered by debt type; an unknown type is INVALID_FIELD", () => {
    const { hub } = makeHub();
    const all = roundTrip(hub, "esme", 0x0705, {
      command: "getDebtRepaymentLog",
      payload: { latestEndTime: 0, numberOfDebts: 5, debtType: 0xff },
    });
    const debts = all.frame!.payload.debts as { collectionTime: number; debtType: number }[];
    expect(debts.length).toBeGreaterThan(0);
    expect(debts.length).toBeLessThanOrEqual(5);
    for (let k = 1; k < debts.length; k++)
      expect(debts[k]!.collectionTime).toBeLessThanOrEqual(debts[k - 1]!.collectionTime);
    const one = roundTrip(hub, "esme", 0x0705, {
      command: "getDebtRepaymentLog",
      payload: { latestEndTime: 0, numberOfDebts: 5, debtType: 1 },
    });
    expect((one.frame!.payload.debts as { debtType: number }[]).every((d) => d.debtType === 1)).toBe(true);
    const bad = roundTrip(hub, "esme", 0x0705, {
      command: "getDebtRepaymentLog",
      payload: { latestEndTime: 0, numberOfDebts: 5, debtType: 9 },
    });
    expect(bad.bytes!.toString("hex")).toBe("185a0b0a85");
  });
});

describe("Price", () => {
  it("GetCurrentPrice → PublishPrice matching the Price attributes (§7.3 layout)", () => {
    const { hub } = makeHub();
    const { frame, bytes } = roundTrip(hub, "esme", 0x0700, {
      command: "getCurrentPrice",
      payload: { commandOptions: 0 },
    });
    expect(frame!.command).toBe("publishPrice");
    const p = frame!.payload;
    const attrs = readAttrs(hub, "esme", 0x0700, [0x0400, 0x0616, 0x0301, 0x0300]).byId;
    expect(p.price).toBe(attrs.get(0x0400)!.value);
    expect(p.currency).toBe(826);
    expect(p.currentTime).toBe(msToZclUtc(T0));
    expect((p.rateLabel as Buffer).toString()).toBe("STANDARD");
    expect(p.providerId).toBe(hub.providerId("esme"));
    expect(p.issuerEventId).toBe(hub.tariffIssuerEventId);
    expect(p.issuerEventId).toBeLessThan(msToZclUtc(T0));
    expect(attrs.get(0x0300)!.value).toBe(0);
    // providerId(4) rateLabel(1+8) issuerEventId(4) currentTime(4) unit(1) currency(2) digits(1) tiers(1) start(4) duration(2) price(4)
    expect(bytes!.length).toBe(3 + 4 + 9 + 4 + 4 + 1 + 2 + 1 + 1 + 4 + 2 + 4);
    expect(bytes!.readUInt32LE(bytes!.length - 4)).toBe(p.price);
  });
});

describe("Messaging", () => {
  it("GetLastMessage is NOT_FOUND until a message is published, then DisplayMessage with its start time", () => {
    const { hub } = makeHub();
    expect(roundTrip(hub, "esme", 0x0703, { command: "getLastMessage", tsn: 3 }).bytes!.toString("hex")).toBe(
      "18030b008b",
    );
    const pushes: Push[] = [];
    hub.onPush((p) => pushes.push(p));
    const m = hub.publishMessage();
    expect(m.text).toBe("Supplier message 1");
    expect(m.messageId).toBe(msToZclUtc(T0));
    expect(pushes.map((p) => [p.role, p.command])).toEqual([
      ["gpf", "displayMessage"],
      ["esme", "displayMessage"],
    ]);
    const { frame, bytes } = roundTrip(hub, "esme", 0x0703, { command: "getLastMessage", tsn: 4 });
    expect(frame!.payload).toMatchObject({
      messageId: m.messageId,
      messageControl: 0,
      startTime: msToZclUtc(T0),
      durationInMinutes: 0xffff,
      message: m.text,
    });
    // §6.1: id u32, control u8, start UTC, duration u16, length-prefixed string; no ExtendedMessageControl.
    expect(bytes!.length).toBe(3 + 4 + 1 + 4 + 2 + 1 + m.text.length);
    // pushed as GCS07 does: FC 0x09, StartTime 0 (now), Duration 0xFFFF
    const wire = hub.encodePush(pushes[0]!, 9);
    expect(wire.subarray(0, 3).toString("hex")).toBe("090900");
    expect(wire.readUInt32LE(8)).toBe(0);
    expect(wire.readUInt16LE(12)).toBe(0xffff);
  });

  it("keeps messages per role and records confirmations", () => {
    const { hub, evidence } = makeHub();
    const m = hub.publishMessage({ text: "gas only", roles: ["gpf"] });
    expect(roundTrip(hub, "esme", 0x0703, { command: "getLastMessage" }).frame!.payload.status).toBe(0x8b);
    expect(roundTrip(hub, "gpf", 0x0703, { command: "getLastMessage" }).frame!.payload.messageId).toBe(m.messageId);
    const ack = roundTrip(hub, "gpf", 0x0703, {
      command: "messageConfirmation",
      payload: { messageId: m.messageId, confirmationTime: 5 },
    });
    expect(ack.bytes!.toString("hex")).toBe("185a0b0100");
    const quiet = roundTrip(hub, "gpf", 0x0703, {
      command: "messageConfirmation",
      payload: { messageId: m.messageId, confirmationTime: 6 },
      ddr: true,
    });
    expect(quiet.bytes).toBeUndefined();
    expect(hub.messages.confirmations.map((c) => c.confirmationTime)).toEqual([5, 6]);
    const notes = evidence.events.filter((e) => e.kind === "note");
    expect(notes.map((n) => n.kind === "note" && n.data)).toEqual([
      { device: "0x00db1234567890a0", role: "gpf", messageId: m.messageId, confirmationTime: 5 },
      { device: "0x00db1234567890a0", role: "gpf", messageId: m.messageId, confirmationTime: 6 },
    ]);
  });
});

describe("the attributes each endpoint serves", () => {
  // Written out from the servers as they were keyed by number, before they were keyed by src/zcl name.
  const SERVED: Record<"esi" | "mirror" | "esme", Record<number, number[]>> = {
    // the GPF's ESI: Basic, Time, Price, Messaging, Device Management
    esi: {
      0: [0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x0007, 0x0011],
      10: [0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008, 0x0009],
      1792: [0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0305, 0x0306, 0x0400, 0x0610, 0x0611, 0x0615, 0x0616, 0x0617],
      1795: [],
      1800: [0x0100, 0x0200, 0x0201],
    },
    // the GPF's gas mirror: Metering, Prepayment
    mirror: {
      1794: [
        0x0000, 0x0014, 0x0200, 0x0300, 0x0301, 0x0302, 0x0303, 0x0305, 0x0306, 0x0312, 0x0314, 0x0401, 0x0403, 0x0420,
        0x0422, 0x0424, 0x0426, 0x0428, 0x042a, 0x042c, 0x0430, 0x0432, 0x0434, 0x0436, 0x0438, 0x043a, 0x0440, 0x0442,
        0x0444, 0x0446, 0x0448, 0x044a, 0x044c, 0x044e, 0x0450, 0x0452, 0x0454, 0x0456, 0x0458, 0x045a, 0x045c, 0x0c01,
        0x0c03, 0x0c20, 0x0c22, 0x0c24, 0x0c26, 0x0c28, 0x0c2a, 0x0c2c, 0x0c30, 0x0c32, 0x0c34, 0x0c36, 0x0c38, 0x0c3a,
        0x0c40, 0x0c42, 0x0c44, 0x0c46, 0x0c48, 0x0c4a, 0x0c4c, 0x0c4e, 0x0c50, 0x0c52, 0x0c54, 0x0c56, 0x0c58, 0x0c5a,
      ],
      1797: [
        0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x0100, 0x0101, 0x0102, 0x0103, 0x0110, 0x0111, 0x0112, 0x0113, 0x0120,
        0x0121, 0x0122, 0x0123, 0x0130, 0x0131, 0x0132, 0x0133, 0x0140, 0x0141, 0x0142, 0x0143, 0x0210, 0x0211, 0x0212,
        0x0213, 0x0214, 0x0216, 0x0217, 0x0219, 0x0220, 0x0221, 0x0222, 0x0223, 0x0224, 0x0226, 0x0227, 0x0229, 0x0230,
        0x0231, 0x0232, 0x0233, 0x0234, 0x0236, 0x0237, 0x0239, 0x0500, 0x0501, 0x0503, 0x051c, 0x051e, 0x0520, 0x0522,
        0x0524, 0x0526, 0x0528, 0x052a, 0x052c, 0x0530, 0x0532, 0x0534, 0x0536, 0x0538, 0x053a, 0x0540, 0x0542, 0x0544,
        0x0546, 0x0548, 0x054a, 0x054c, 0x054e, 0x0550, 0x0552, 0x0554, 0x0556, 0x0558, 0x055a, 0x055c,
      ],
    },
    // the ESME: no Time, which only the hub serves
    esme: {
      0: [0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x0007, 0x0011],
      1792: [0x0300, 0x0301, 0x0400, 0x0610, 0x0611, 0x0615, 0x0616, 0x0617],
      1794: [
        0x0000, 0x0014, 0x0200, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0305, 0x0306, 0x0400, 0x0401, 0x0403, 0x0420,
        0x0422, 0x0424, 0x0426, 0x0428, 0x042a, 0x042c, 0x0430, 0x0432, 0x0434, 0x0436, 0x0438, 0x043a, 0x0440, 0x0442,
        0x0444, 0x0446, 0x0448, 0x044a, 0x044c, 0x044e, 0x0450, 0x0452, 0x0454, 0x0456, 0x0458, 0x045a, 0x045c,
      ],
      1795: [],
      1797: [
        0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x0100, 0x0101, 0x0102, 0x0103, 0x0110, 0x0111, 0x0112, 0x0113, 0x0120,
        0x0121, 0x0122, 0x0123, 0x0130, 0x0131, 0x0132, 0x0133, 0x0140, 0x0141, 0x0142, 0x0143, 0x0210, 0x0211, 0x0212,
        0x0213, 0x0214, 0x0216, 0x0217, 0x0219, 0x0220, 0x0221, 0x0222, 0x0223, 0x0224, 0x0226, 0x0227, 0x0229, 0x0230,
        0x0231, 0x0232, 0x0233, 0x0234, 0x0236, 0x0237, 0x0239, 0x0500, 0x0501, 0x0503, 0x051c, 0x051e, 0x0520, 0x0522,
        0x0524, 0x0526, 0x0528, 0x052a, 0x052c, 0x0530, 0x0532, 0x0534, 0x0536, 0x0538, 0x053a, 0x0540, 0x0542, 0x0544,
        0x0546, 0x0548, 0x054a, 0x054c, 0x054e, 0x0550, 0x0552, 0x0554, 0x0556, 0x0558, 0x055a, 0x055c,
      ],
      1800: [0x0100, 0x0200, 0x0201],
    },
  };

  it.each(["esi", "mirror", "esme"] as const)("%s: the same attribute ids on every cluster", (part) => {
    const { hub } = makeHub();
    const ep = hub.endpointNumbers[part];
    const clusters = hub.serverClusters(ep).inClusters;
    expect(clusters).toEqual(Object.keys(SERVED[part]).map(Number));
    for (const c of clusters) expect([c, hub.attributeIds(ep, c)]).toEqual([c, SERVED[part][c]]);
  });
});

describe("clusterServer", () => {
  it("keys the tables by the ids of their src/zcl names, each attribute with its record", () => {
    const s = clusterServer(0x0708, {
      attributes: { changeOfTenancyUpdateDateTime: { get: () => 1 } },
      commands: { getChangeOfTenancy: () => ({ kind: "none" }) },
    });
    expect([...s.attributes.keys()]).toEqual([0x0200]);
    expect(s.attributes.get(0x0200)?.def).toMatchObject({ id: 0x0200, type: 0xe2 });
    expect([...s.commands.keys()]).toEqual([0x00]);
  });

  it("refuses a name the cluster does not define, and a cluster src/zcl does not define", () => {
    expect(() => clusterServer(0x0708, { attributes: { changeOfTenancyDate: { get: () => 1 } } })).toThrow(
      "seDeviceManagement has no attribute 'changeOfTenancyDate'",
    );
    expect(() => clusterServer(0x0708, { commands: { publishChangeOfTenancy: () => ({ kind: "none" }) } })).toThrow(
      "seDeviceManagement has no client command 'publishChangeOfTenancy'",
    );
    expect(() => clusterServer(0x0b04, {})).toThrow("hub server for cluster 0x0b04, which src/zcl does not define");
  });
});
