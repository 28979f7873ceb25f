/**
 * The specification baseline (cot-suite.md "Baseline and claims"): the versions of the specifications that
 * carry SECMP0056. It is data: the project ships one (`docs/baseline.json`) and a lab may give its own
 * (`hanbench run --baseline FILE`). Every report names it, and a DUT that claims a version of its own
 * specification before the baseline's gets `not_applicable` (claims.ts).
 *
 * A baseline file is a JSON object of strings: `modification` and `release` (free text, both optional) and
 * one version per specification, keyed by the specification's name in capitals (`IHDTS`, `ESMETS`, …) and
 * written `MAJOR.MINOR` (`5.0`). `IHDTS` and `PPMIDTS` are required: they are what a DUT's claim is compared
 * with. Anything else is refused with the reason.
 */
/** The specifications a DUT claims (an IHD IHDTS, a PPMID PPMIDTS). */
export type DeviceSpecification = "IHDTS" | "PPMIDTS";

/** A baseline as the run event records it: `{ modification, release, ESMETS: "5.1", IHDTS: "5.0", … }`. */
export type Baseline = Record<string, string>;

export class BaselineError extends Error {
  override name = "BaselineError";
}

const TEXT_FIELDS = ["modification", "release"] as const;
const REQUIRED: readonly DeviceSpecification[] = ["IHDTS", "PPMIDTS"];
const SPEC_NAME = /^[A-Z][A-Z0-9]{1,15}$/;
const VERSION = /^(\d{1,3})\.(\d{1,3})$/;

/** A baseline from the text of a baseline file; `source` names it in errors. */
export function parseBaseline(text: string, source: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${source} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BaselineError(`${source} must be a JSON object of specification versions ({"IHDTS": "5.0", …})`);
  }
  const out: Baseline = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string")
      throw new BaselineError(`${source}: "${key}" must be a string, not ${JSON.stringify(v)}`);
    if ((TEXT_FIELDS as readonly string[]).includes(key)) {
      out[key] = v;
      continue;
    }
    if (!SPEC_NAME.test(key)) {
      throw new BaselineError(
        `${source}: "${key}" is neither ${TEXT_FIELDS.join(" nor ")} nor a specification name in capitals (IHDTS, ESMETS, …)`,
      );
    }
    if (!VERSION.test(v))
      throw new BaselineError(`${source}: ${key} "${v}" is not a version MAJOR.MINOR (such as 5.0)`);
    out[key] = v;
  }
  const missing = REQUIRED.filter((k) => out[k] === undefined);
  if (missing.length) {
    throw new BaselineError(
      `${source} has no ${missing.join(" and ")} version: a DUT's claim is compared with the version of its own specification`,
    );
  }
  return out;
}

/** The baseline's version of a device specification, or undefined when it names none (a log from before). */
export function baselineVersion(
  baseline: Baseline | undefined,
  spec: DeviceSpecification,
): { major: number; minor: number } | undefined {
  const m = VERSION.exec(baseline?.[spec] ?? "");
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}
