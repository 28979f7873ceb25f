/**
 * What a DUT's declared specification claim says (cot-suite.md "Baseline and claims"): the specification it
 * names and its version. `SMETS 29 November 2020 IHDTS v4.2` is IHDTS 4.2; a bare `5.0` or `v4.0` is the
 * version of the specification of the device's kind (an IHD claims IHDTS, a PPMID PPMIDTS). A claim that
 * names no version of that specification (only a SMETS date, another specification) claims nothing the
 * baseline can be compared with.
 */
import type { DutDeclaration } from "../evidence/events.js";
import { type Baseline, baselineVersion, type DeviceSpecification } from "./baseline.js";

export type { DeviceSpecification };

export interface Claim {
  spec: DeviceSpecification;
  major: number;
  minor: number;
}

export function specificationOf(kind: DutDeclaration["kind"]): DeviceSpecification {
  return kind === "ppmid" ? "PPMIDTS" : "IHDTS";
}

/** The claim of the device's own specification in `text`, or undefined when it names none. */
export function parseClaim(text: string, kind: DutDeclaration["kind"]): Claim | undefined {
  const spec = specificationOf(kind);
  const named = new RegExp(`\\b${spec}\\s*v?\\s*(\\d+)(?:\\.(\\d+))?`, "i").exec(text);
  const bare = /^\s*v?\s*(\d+)(?:\.(\d+))?\s*$/i.exec(text);
  const m = named ?? bare;
  if (!m) return undefined;
  return { spec, major: Number(m[1]), minor: Number(m[2] ?? 0) };
}

/**
 * Why a DUT's declared claim puts it outside the suite (a version before the baseline's of its own
 * specification), if it does. A baseline that names no version of that specification judges no claim.
 */
export function outOfScope(dut: Pick<DutDeclaration, "kind" | "claims">, baseline: Baseline): string | undefined {
  if (!dut.claims) return undefined;
  const c = parseClaim(dut.claims, dut.kind);
  if (!c) return undefined;
  const base = baselineVersion(baseline, c.spec);
  if (!base) return undefined;
  if (c.major > base.major || (c.major === base.major && c.minor >= base.minor)) return undefined;
  const quoted = /^\s*v?\s*[\d.]+\s*$/i.test(dut.claims) ? "" : ` ("${dut.claims}")`;
  const carries = baseline.modification ? `that carries ${baseline.modification}` : "of the baseline";
  return `declares ${c.spec} ${c.major}.${c.minor}${quoted}, before the ${c.spec} v${base.major}.${base.minor} ${carries}`;
}
