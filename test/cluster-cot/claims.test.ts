/** The claims parser: the specification a DUT names and its version, against the baseline. */
import { describe, expect, it } from "vitest";
import { outOfScope, parseClaim } from "../../src/cluster-cot/claims.js";

describe("parseClaim", () => {
  it.each([
    ["SMETS 29 November 2020 IHDTS v4.2", "ihd", { spec: "IHDTS", major: 4, minor: 2 }],
    ["IHDTS 5.1", "ihd", { spec: "IHDTS", major: 5, minor: 1 }],
    ["5.0", "ihd", { spec: "IHDTS", major: 5, minor: 0 }],
    ["v4", "ppmid", { spec: "PPMIDTS", major: 4, minor: 0 }],
    ["SMETS2 PPMIDTS v4.9 (2019)", "ppmid", { spec: "PPMIDTS", major: 4, minor: 9 }],
  ] as const)("%s (%s) is %o", (text, kind, claim) => {
    expect(parseClaim(text, kind)).toEqual(claim);
  });

  it.each([
    ["SMETS 29 November 2020", "ihd"],
    ["PPMIDTS v5.0", "ihd"], // another device's specification
    ["GBCS v4.0", "ppmid"],
    ["", "ihd"],
  ] as const)("%s (%s) claims no version of the device's specification", (text, kind) => {
    expect(parseClaim(text, kind)).toBeUndefined();
  });
});

describe("outOfScope", () => {
  const BASE = { modification: "SECMP0056", IHDTS: "5.0", PPMIDTS: "5.0" };

  it("puts a version before the baseline out of scope, naming what was read from what was declared", () => {
    expect(outOfScope({ kind: "ihd", claims: "SMETS 29 November 2020 IHDTS v4.2" }, BASE)).toBe(
      'declares IHDTS 4.2 ("SMETS 29 November 2020 IHDTS v4.2"), before the IHDTS v5.0 that carries SECMP0056',
    );
    expect(outOfScope({ kind: "ppmid", claims: "4.1" }, BASE)).toBe(
      "declares PPMIDTS 4.1, before the PPMIDTS v5.0 that carries SECMP0056",
    );
  });

  it("keeps the baseline and later, and a claim with no version of the device's specification, in scope", () => {
    for (const claims of ["5.0", "IHDTS v5.1", "v6", "SMETS 29 November 2020", undefined])
      expect(outOfScope({ kind: "ihd", ...(claims === undefined ? {} : { claims }) }, BASE)).toBeUndefined();
  });
});
