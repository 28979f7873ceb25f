/**
 * The hub variants (cot-suite.md "Hub variants", src/hub/variants.ts): what each meter's Device Management
 * shows of a CoT, before and after one is recorded, and how GetChangeOfTenancy is answered. Replies are
 * parsed by unmodified herdsman (fixture.ts).
 */
import { describe, expect, it } from "vitest";
import { msToZclUtc } from "../../src/hub/clock.js";
import type { EndpointRole } from "../../src/hub/types.js";
import { HUB_VARIANTS, type HubVariantName, hubVariant } from "../../src/hub/variants.js";
import { makeHub, readAttrs, roundTrip, T0 } from "./fixture.js";

const DM = 0x0708;
const T = T0 + 3_600_000;

/** [0x0200 status or value, 0x0201 status or value] of a meter. */
function tenancyAttrs(hub: ReturnType<typeof makeHub>["hub"], role: EndpointRole): unknown[] {
  const byId = readAttrs(hub, role, DM, [0x0200, 0x0201]).byId;
  return [0x0200, 0x0201].map((id) => {
    const r = byId.get(id)!;
    return r.status === 0 ? r.value : `status 0x${r.status.toString(16)}`;
  });
}

function getCot(hub: ReturnType<typeof makeHub>["hub"], role: EndpointRole): unknown {
  const { frame } = roundTrip(hub, role, DM, { command: "getChangeOfTenancy" });
  if (frame?.command === "publishChangeOfTenancy") {
    const p = frame.payload;
    return [p.providerId, p.implementationDateTime, p.proposedTenancyChangeControl];
  }
  return frame?.payload.statusCode ?? frame?.payload.status;
}

const UNSUPPORTED = "status 0x86";
const NONE = 0xffffffff;
const NOT_FOUND = 0x8b;

/** Per variant: before any CoT, and after a CoT with control 0x600 on every meter that carries one. */
const EXPECTED: Record<
  HubVariantName,
  {
    before: Record<EndpointRole, unknown[]>;
    after: Record<EndpointRole, unknown[]>;
    getCot: Record<EndpointRole, unknown>;
  }
> = {
  reference: {
    before: { gpf: [NONE, 0], esme: [NONE, 0] },
    after: { gpf: ["T", 0x600], esme: ["T", 0x600] },
    getCot: { gpf: ["P", "T", 0x600], esme: ["P", "T", 0x600] },
  },
  "attributes-only": {
    before: { gpf: [NONE, 0], esme: [NONE, 0] },
    after: { gpf: ["T", 0x600], esme: ["T", 0x600] },
    getCot: { gpf: NOT_FOUND, esme: NOT_FOUND },
  },
  "esme-date-only": {
    before: { gpf: [NONE, 0], esme: [NONE, 0] },
    after: { gpf: ["T", 0x600], esme: ["T", 0] },
    getCot: { gpf: ["P", "T", 0x600], esme: ["P", "T", 0] },
  },
  "esme-ptcc-unsupported": {
    before: { gpf: [NONE, 0], esme: [NONE, UNSUPPORTED] },
    after: { gpf: ["T", 0x600], esme: ["T", UNSUPPORTED] },
    getCot: { gpf: ["P", "T", 0x600], esme: ["P", "T", 0] },
  },
  "esme-pre-5.1": {
    before: { gpf: [NONE, 0], esme: [UNSUPPORTED, UNSUPPORTED] },
    after: { gpf: ["T", 0x600], esme: [UNSUPPORTED, UNSUPPORTED] },
    getCot: { gpf: ["P", "T", 0x600], esme: NOT_FOUND },
  },
  "gpf-pre-1.5": {
    before: { gpf: [UNSUPPORTED, UNSUPPORTED], esme: [NONE, 0] },
    after: { gpf: [UNSUPPORTED, UNSUPPORTED], esme: ["T", 0] },
    getCot: { gpf: NOT_FOUND, esme: ["P", "T", 0] },
  },
  "electricity-only": {
    before: { gpf: [], esme: [NONE, 0] },
    after: { gpf: [], esme: ["T", 0x600] },
    getCot: { gpf: undefined, esme: ["P", "T", 0x600] },
  },
  "provider-zero": {
    before: { gpf: [NONE, 0], esme: [NONE, 0] },
    after: { gpf: ["T", 0x600], esme: ["T", 0x600] },
    getCot: { gpf: [0, "T", 0x600], esme: ["P", "T", 0x600] },
  },
  "no-cot-zero": {
    before: { gpf: [0, 0], esme: [0, 0] },
    after: { gpf: ["T", 0x600], esme: ["T", 0x600] },
    getCot: { gpf: ["P", "T", 0x600], esme: ["P", "T", 0x600] },
  },
};

function resolve(v: unknown, provider: number): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, provider));
  if (v === "T") return msToZclUtc(T);
  if (v === "P") return provider;
  return v;
}

describe.each(HUB_VARIANTS)("hub variant %s", (name) => {
  const variant = hubVariant(name);
  const want = EXPECTED[name];

  it("Device Management shows the CoT of the meters that carry one, as the variant has it", () => {
    const { hub } = makeHub({ variant: name });
    expect(hub.variant.name).toBe(name);
    const present = (r: EndpointRole) => variant.meters.includes(r);
    for (const role of ["gpf", "esme"] as const) {
      if (!present(role)) {
        // no such meter: its endpoints serve nothing and are no role
        expect(hub.serverClusters(hub.endpoints[role]).inClusters).toEqual([]);
        expect(hub.roleOf(hub.endpoints[role])).toBeUndefined();
        expect(hub.roleOf(hub.endpointNumbers.mirror)).toBeUndefined();
        continue;
      }
      expect([role, tenancyAttrs(hub, role)]).toEqual([role, want.before[role]]);
      expect([role, getCot(hub, role)]).toEqual([role, NOT_FOUND]);
    }
    for (const meter of variant.cotMeters) {
      hub.recordCot({
        meter,
        providerId: 0x1234,
        issuerEventId: 7,
        tariffType: 0,
        implementationTime: T,
        control: 0x600,
      });
    }
    for (const role of variant.meters) {
      expect([role, tenancyAttrs(hub, role)]).toEqual([role, resolve(want.after[role], 0x1234)]);
      expect([role, getCot(hub, role)]).toEqual([role, resolve(want.getCot[role], 0x1234)]);
    }
  });

  it("refuses a CoT on a meter that carries none", () => {
    const { hub } = makeHub({ variant: name });
    for (const meter of ["gpf", "esme"] as const) {
      if (variant.cotMeters.includes(meter)) continue;
      expect(() =>
        hub.recordCot({ meter, providerId: 1, issuerEventId: 7, tariffType: 0, implementationTime: T, control: 0x600 }),
      ).toThrow(new RegExp(`under hub variant '${name}' the ${meter.toUpperCase()} carries no CoT`));
    }
  });
});

describe("hubVariant", () => {
  it("names the variants for an unknown one", () => {
    expect(() => hubVariant("silabs")).toThrow(/unknown hub variant 'silabs' \(one of reference, attributes-only/);
  });
});
