/**
 * COT-17 "Secures its link (Type 1)" and the per-DUT security summary, on small hand-made logs: the key
 * establishment events the hub's KE server writes and the ZCL frames with their APS security, as a virtual
 * or a bench run leaves them.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/cluster-cot/index.js";
import type { DutResult } from "../../src/cluster-cot/results.js";
import type { DutDeclaration, Evidence, EvidenceBody, ZclEvent } from "../../src/evidence/events.js";

const PPMID = "0x000d6f0000000a01";
const IHD = "0x000d6f0000000b01";
const T = "2026-05-04T09:00:00.000Z";

function log(opts: { mode?: "virtual" | "bench"; security?: "cbke" | "off"; duts?: DutDeclaration[] }) {
  const events: Evidence[] = [];
  const add = (body: EvidenceBody) => {
    const e = { seq: events.length + 1, t: T, wall: T, ...body } as Evidence;
    events.push(e);
    return e;
  };
  add({
    kind: "run",
    tool: "hanbench",
    version: "test",
    mode: opts.mode ?? "virtual",
    seed: 1,
    hub: { endpoints: { gpf: 2, esme: 3 } },
    baseline: {},
    windowMs: 86_400_000,
    duts: opts.duts ?? [
      { label: "ppmid:x", kind: "ppmid", ieee: PPMID, probe: "virtual" },
      { label: "ihd:x", kind: "ihd", ieee: IHD, probe: "virtual" },
    ],
    ...(opts.security ? { security: { mode: opts.security, issuer: "4842544553544341" } } : {}),
  });
  return { events, add };
}

/** A key establishment the hub completed with `device`, as its KE server and the host record it. */
function keyed(add: (b: EvidenceBody) => Evidence, device = PPMID) {
  add({ kind: "ke", device, step: "initiate", by: "device", suite: 2, issuer: "4842544553544341" });
  add({ kind: "ke", device, step: "ephemeral", by: "device" });
  add({ kind: "ke", device, step: "confirm", by: "device" });
  add({ kind: "ke", device, step: "established", by: "hub", suite: 2, fingerprint: "00112233aabbccdd" });
  add({ kind: "ke", device, step: "installed", by: "hub", fingerprint: "00112233aabbccdd" });
}

/** A Read Attributes the device sent to a hub endpoint, APS-secured or not. */
function read(
  add: (b: EvidenceBody) => Evidence,
  o: { clusterId: number; hubEp: number; aps?: boolean; device?: string },
) {
  const body: ZclEvent = {
    kind: "zcl",
    dir: "in",
    device: o.device ?? PPMID,
    nwk: 0x1234,
    deviceEp: 1,
    hubEp: o.hubEp,
    clusterId: o.clusterId,
    frameType: "global",
    direction: "clientToServer",
    tsn: 1,
    commandId: 0,
    command: "read",
    payload: [0],
    raw: "000100",
  };
  if (o.aps !== undefined) body.apsSecured = o.aps;
  return add(body);
}

function cot17(results: DutResult[], device = PPMID) {
  const d = results.find((r) => r.ieee === device)!;
  return { ...d.results.find((r) => r.id === "COT-17")!, security: d.security! };
}

describe("COT-17 Secures its link (Type 1)", () => {
  it("passes a PPMID that established a key and sent every SE frame APS-secured, to the hub and the ESME", () => {
    const { events, add } = log({ security: "cbke" });
    keyed(add);
    read(add, { clusterId: 0x0702, hubEp: 2, aps: true });
    read(add, { clusterId: 0x0708, hubEp: 3, aps: true });
    // Basic and Key Establishment need no APS security (SE 1.4 §5.4.6): not counted
    read(add, { clusterId: 0x0000, hubEp: 2, aps: false });
    read(add, { clusterId: 0x0800, hubEp: 2, aps: false });
    const c = cot17(evaluate(events));
    expect(c.verdict).toBe("pass");
    expect(c.reason).toBe(
      "CBKE suite 2 (sect283k1) with the CHF (key 00112233aabbccdd, seq 2…); all 2 SE frames APS-secured (1 to the hub, 1 to the ESME)",
    );
    expect(c.security).toMatchObject({
      deviceType: "Type 1",
      mode: "cbke",
      outcome: "established",
      suite: 2,
      fingerprint: "00112233aabbccdd",
      seFrames: { hub: 1, esme: 1 },
      unsecured: { hub: 0, esme: 0 },
    });
  });

  it("fails a PPMID whose SE frames went without APS security, counting them per server", () => {
    const { events, add } = log({ security: "cbke" });
    keyed(add);
    read(add, { clusterId: 0x0702, hubEp: 2, aps: true });
    const first = read(add, { clusterId: 0x0702, hubEp: 2, aps: false });
    read(add, { clusterId: 0x0705, hubEp: 3, aps: false });
    read(add, { clusterId: 0x000a, hubEp: 3, aps: false });
    const c = cot17(evaluate(events));
    expect(c.verdict).toBe("fail");
    expect(c.reason).toContain(
      `3 of 4 SE frames went without APS security (1 to the hub, 2 to the ESME; first seq ${first.seq})`,
    );
    expect(c.security.unsecured).toEqual({ hub: 1, esme: 2 });
  });

  it("fails a PPMID without a key: the hub's Terminate is the reason", () => {
    const { events, add } = log({ security: "cbke" });
    add({ kind: "ke", device: PPMID, step: "initiate", by: "device", suite: 2 });
    add({ kind: "ke", device: PPMID, step: "ephemeral", by: "device" });
    add({ kind: "ke", device: PPMID, step: "confirm", by: "device" });
    const t = add({
      kind: "ke",
      device: PPMID,
      step: "terminate",
      by: "hub",
      status: 2,
      statusName: "BAD_KEY_CONFIRM",
      reason: "MACU does not verify",
    });
    const c = cot17(evaluate(events));
    expect(c.verdict).toBe("fail");
    expect(c.reason).toBe(
      `no link key with the CHF: the hub terminated with BAD_KEY_CONFIRM (seq ${t.seq}): MACU does not verify`,
    );
    expect(c.security.outcome).toBe("failed");
  });

  it("fails a PPMID that never started key establishment", () => {
    const { events, add } = log({ security: "cbke" });
    read(add, { clusterId: 0x0702, hubEp: 2, aps: false });
    const c = cot17(evaluate(events));
    expect(c.verdict).toBe("fail");
    expect(c.reason).toMatch(/never started key establishment/);
    expect(c.security.outcome).toBe("not-attempted");
  });

  it("is inconclusive when either side refused the other's CA (not testable with this hub certificate)", () => {
    const { events, add } = log({ security: "cbke" });
    add({ kind: "ke", device: PPMID, step: "initiate", by: "device", suite: 2, issuer: "4f54484552434131" });
    add({ kind: "ke", device: PPMID, step: "terminate", by: "hub", status: 1, statusName: "UNKNOWN_ISSUER" });
    const c = cot17(evaluate(events));
    expect(c.verdict).toBe("inconclusive");
    expect(c.reason).toMatch(/issuer mismatch .*not testable with this hub certificate \(issuer 4842544553544341\)/);
    expect(c.security.issuerMismatch).toBe(true);
  });

  it("is an error when the coordinator did not take the key (the bench failed, not the device)", () => {
    const { events, add } = log({ security: "cbke" });
    add({ kind: "ke", device: PPMID, step: "initiate", by: "device", suite: 2 });
    add({ kind: "ke", device: PPMID, step: "established", by: "hub", suite: 2, fingerprint: "0011" });
    add({ kind: "ke", device: PPMID, step: "install-failed", by: "hub", reason: "status 0x11" });
    expect(cot17(evaluate(events)).verdict).toBe("error");
  });

  it("on a bench, with the hub traffic secured, says the ESME pairing is out of reach (inconclusive)", () => {
    const { events, add } = log({ mode: "bench", security: "cbke" });
    keyed(add);
    read(add, { clusterId: 0x0702, hubEp: 2, aps: true });
    const c = cot17(evaluate(events));
    expect(c.verdict).toBe("inconclusive");
    expect(c.reason).toMatch(/PPMID–ESME pairing .* out of reach of a bench without test-SMKI credentials/);
  });

  it("is not applicable to an IHD (Type 2) unless it declares CBKE, and to any DUT of a run with --security off", () => {
    const on = log({ security: "cbke" });
    keyed(on.add);
    const results = evaluate(on.events);
    expect(cot17(results, IHD).verdict).toBe("not_applicable");
    expect(cot17(results, IHD).security).toMatchObject({ deviceType: "Type 2", outcome: "not-applicable" });
    const declared = log({
      security: "cbke",
      duts: [{ label: "ihd:cbke", kind: "ihd", ieee: IHD, probe: "virtual", cbke: true }],
    });
    keyed(declared.add, IHD);
    expect(cot17(evaluate(declared.events), IHD).verdict).toBe("pass");
    const off = log({ security: "off" });
    expect(cot17(evaluate(off.events)).verdict).toBe("not_applicable");
    expect(cot17(evaluate(off.events)).reason).toMatch(/--security off/);
    // an older log without the security field was a run without key establishment
    expect(cot17(evaluate(log({}).events)).verdict).toBe("not_applicable");
  });
});
