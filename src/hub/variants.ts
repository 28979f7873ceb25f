/**
 * Hub variants (cot-suite.md "Hub variants"): the ways a real GB Comms Hub and its meters differ in how they
 * carry a CoT. A compliant device passes under each. The hub model serves what its variant says; the runner
 * records CoTs on the meters that carry one; the cases read the variant from the run event.
 *
 * | variant | how it differs from `reference` |
 * |---|---|
 * | `reference` | attributes carry the CoT on both meters; GetChangeOfTenancy answered with PublishChangeOfTenancy |
 * | `attributes-only` | GetChangeOfTenancy always NOT_FOUND (Silicon Labs' server without its pending flag) |
 * | `esme-date-only` | the ESME's 0x0201 reads 0 (ECS12 carries no control value) |
 * | `esme-ptcc-unsupported` | the ESME's 0x0201 is UNSUPPORTED_ATTRIBUTE |
 * | `esme-pre-5.1` | the ESME has no 0x0200/0x0201: the GPF alone carries the CoT |
 * | `gpf-pre-1.5` | the GPF has no 0x0200/0x0201: the ESME alone carries the CoT (date only) |
 * | `electricity-only` | no GPF and no gas mirror; only the ESME's CoT |
 * | `provider-zero` | the GPF's CoT carries provider id 0, as in the RTDS GCS09 sample |
 * | `no-cot-zero` | "no CoT" reads 0x00000000 instead of 0xFFFFFFFF |
 */
import type { EndpointRole } from "./types.js";

export const HUB_VARIANTS = [
  "reference",
  "attributes-only",
  "esme-date-only",
  "esme-ptcc-unsupported",
  "esme-pre-5.1",
  "gpf-pre-1.5",
  "electricity-only",
  "provider-zero",
  "no-cot-zero",
] as const;

export type HubVariantName = (typeof HUB_VARIANTS)[number];

/** The variant of a virtual run unless told otherwise. */
export const VIRTUAL_DEFAULT_VARIANT: HubVariantName = "reference";
/** The variant of a bench run unless told otherwise: the conservative one. */
export const BENCH_DEFAULT_VARIANT: HubVariantName = "attributes-only";

/** What a meter's 0x0201 ProposedTenancyChangeControl shows. */
export type ControlShown = "value" | "zero" | "unsupported";

export interface HubVariant {
  name: HubVariantName;
  /** One line: how it differs from `reference`. */
  summary: string;
  /** The meters in the home (the GPF and its gas mirror are absent under `electricity-only`). */
  meters: readonly EndpointRole[];
  /** The meters whose Device Management serves 0x0200/0x0201, on which a CoT is recorded. */
  cotMeters: readonly EndpointRole[];
  /** GetChangeOfTenancy answered with PublishChangeOfTenancy when a CoT is recorded (else NOT_FOUND). */
  answersGetCot: boolean;
  /** What each meter's 0x0201 shows of a CoT's control. */
  control: Record<EndpointRole, ControlShown>;
  /** The provider id the GPF's CoT carries: the supplier's, or 0 as in the RTDS GCS09 sample. */
  gpfProviderZero: boolean;
  /** What 0x0200 reads before any CoT. */
  noCotDate: number;
}

const NO_COT = 0xffffffff;

const REFERENCE: HubVariant = {
  name: "reference",
  summary: "attributes carry the CoT on both meters; GetChangeOfTenancy answered with PublishChangeOfTenancy",
  meters: ["gpf", "esme"],
  cotMeters: ["gpf", "esme"],
  answersGetCot: true,
  control: { gpf: "value", esme: "value" },
  gpfProviderZero: false,
  noCotDate: NO_COT,
};

const TABLE: Record<HubVariantName, HubVariant> = {
  reference: REFERENCE,
  "attributes-only": {
    ...REFERENCE,
    name: "attributes-only",
    summary: "GetChangeOfTenancy always NOT_FOUND; the attributes carry the CoT",
    answersGetCot: false,
  },
  "esme-date-only": {
    ...REFERENCE,
    name: "esme-date-only",
    summary: "the ESME's 0x0201 reads 0 (ECS12 carries no control value)",
    control: { gpf: "value", esme: "zero" },
  },
  "esme-ptcc-unsupported": {
    ...REFERENCE,
    name: "esme-ptcc-unsupported",
    summary: "the ESME's 0x0201 is UNSUPPORTED_ATTRIBUTE",
    control: { gpf: "value", esme: "unsupported" },
  },
  "esme-pre-5.1": {
    ...REFERENCE,
    name: "esme-pre-5.1",
    summary: "the ESME has no 0x0200/0x0201: the GPF alone carries the CoT",
    cotMeters: ["gpf"],
  },
  "gpf-pre-1.5": {
    ...REFERENCE,
    name: "gpf-pre-1.5",
    summary: "the GPF has no 0x0200/0x0201: the ESME alone carries the CoT (date only)",
    cotMeters: ["esme"],
    control: { gpf: "value", esme: "zero" },
  },
  "electricity-only": {
    ...REFERENCE,
    name: "electricity-only",
    summary: "no GPF and no gas mirror; only the ESME's CoT",
    meters: ["esme"],
    cotMeters: ["esme"],
  },
  "provider-zero": {
    ...REFERENCE,
    name: "provider-zero",
    summary: "the GPF's CoT carries provider id 0, as in the RTDS GCS09 sample",
    gpfProviderZero: true,
  },
  "no-cot-zero": {
    ...REFERENCE,
    name: "no-cot-zero",
    summary: '"no CoT" reads 0x00000000 instead of 0xFFFFFFFF',
    noCotDate: 0,
  },
};

export function isHubVariantName(name: string): name is HubVariantName {
  return (HUB_VARIANTS as readonly string[]).includes(name);
}

/** The variant of that name; a RangeError naming the variants for any other. */
export function hubVariant(name: string): HubVariant {
  if (!isHubVariantName(name)) {
    throw new RangeError(`unknown hub variant '${name}' (one of ${HUB_VARIANTS.join(", ")})`);
  }
  return TABLE[name];
}
