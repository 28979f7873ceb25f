/**
 * A DUT's Smart Energy security as the evidence shows it (cot-suite.md "Security"): its GBCS device type, the
 * key establishment with the CHF (suite, outcome, the key's fingerprint, an issuer mismatch either side) and
 * the SE frames it sent that needed APS security (src/zcl `APS_SECURED_CLUSTERS`), with how many went without.
 * COT-17 judges it; every report shows it per DUT (results.ts `DutResult.security`).
 */
import type { KeyEstablishmentEvent } from "../evidence/events.js";
import { APS_SECURED_CLUSTERS } from "../zcl/index.js";
import type { DutView, Zcl } from "./view.js";

/** Terminate status UNKNOWN_ISSUER (cbke.md §1). */
const UNKNOWN_ISSUER = 0x01;

export interface DutSecurity {
  /** GBCS device type: a PPMID (or an IHD declaring CBKE) is Type 1, an IHD Type 2. */
  deviceType: "Type 1" | "Type 2";
  /** The run's security: `cbke` or `off`. */
  mode: "cbke" | "off";
  /**
   * `established` (a key, installed on the coordinator), `failed` (an exchange ended without one),
   * `not-attempted` (no Initiate KE Request), `not-applicable` (Type 2, or the run was `off`).
   */
  outcome: "established" | "failed" | "not-attempted" | "not-applicable";
  /** The suite of the exchange (2 in GB) when one was started. */
  suite?: number;
  /** The link key's fingerprint when established. */
  fingerprint?: string;
  /** Why it failed: the Terminate status and who sent it, a timeout, the coordinator refusing the key. */
  failure?: string;
  /** A Terminate UNKNOWN_ISSUER either side: the hub's and the DUT's certificates are from different CAs. */
  issuerMismatch: boolean;
  /** SE frames the DUT sent to the hub and to the ESME on clusters that need APS security. */
  seFrames: { hub: number; esme: number };
  /** Of those, how many went without APS security, and the first of them. */
  unsecured: { hub: number; esme: number };
  firstUnsecured?: number;
  /** Of those, how many the coordinator did not say (SecurityUse unknown). */
  unknown: number;
  /** Seq of the key establishment events and of the first unsecured frames. */
  evidence: number[];
}

type Ke = KeyEstablishmentEvent & { seq: number };

/** Whether the DUT is a Type 1 device (does CBKE). */
export function isType1(view: DutView): boolean {
  return view.dut.kind === "ppmid" || view.dut.cbke === true;
}

function describeFailure(events: readonly Ke[]): string | undefined {
  const last = events.findLast((e) => ["terminate", "timeout", "install-failed", "refused"].includes(e.step));
  if (!last) return undefined;
  if (last.step === "terminate" || last.step === "refused") {
    const who = last.by === "hub" ? "the hub" : "the device";
    return `${who} terminated with ${last.statusName ?? last.status} (seq ${last.seq})${last.reason ? `: ${last.reason}` : ""}`;
  }
  return `${last.step === "timeout" ? "the hub timed out" : "the coordinator did not take the key"} (seq ${last.seq})${last.reason ? `: ${last.reason}` : ""}`;
}

export function securityOf(view: DutView): DutSecurity {
  const mode = view.run.security?.mode ?? "off";
  const type1 = isType1(view);
  const ke: readonly Ke[] = view.keyEstablishment();
  const started = ke.find((e) => e.step === "initiate");
  const established = ke.findLast((e) => e.step === "established");
  const installed = ke.findLast((e) => e.step === "installed");
  const issuerMismatch = ke.some(
    (e) => (e.step === "terminate" || e.step === "refused") && e.status === UNKNOWN_ISSUER,
  );
  const se = view.sent.filter((z: Zcl) => APS_SECURED_CLUSTERS.has(z.clusterId) && view.roleOf(z) !== undefined);
  const unsecuredFrames = se.filter((z) => z.apsSecured === false);
  const byRole = (list: Zcl[]) => ({
    hub: list.filter((z) => view.roleOf(z) === "gpf").length,
    esme: list.filter((z) => view.roleOf(z) === "esme").length,
  });
  let outcome: DutSecurity["outcome"];
  if (mode === "off" || !type1) outcome = "not-applicable";
  else if (established && installed && installed.seq > established.seq) outcome = "established";
  else if (!started) outcome = "not-attempted";
  else outcome = "failed";
  const out: DutSecurity = {
    deviceType: type1 ? "Type 1" : "Type 2",
    mode,
    outcome,
    issuerMismatch,
    seFrames: byRole(se),
    unsecured: byRole(unsecuredFrames),
    unknown: se.filter((z) => z.apsSecured === undefined).length,
    evidence: [...ke.map((e) => e.seq), ...unsecuredFrames.slice(0, 3).map((z) => z.seq)],
  };
  if (unsecuredFrames[0]) out.firstUnsecured = unsecuredFrames[0].seq;
  if (started?.suite !== undefined) out.suite = started.suite;
  if (outcome === "established" && installed?.fingerprint) out.fingerprint = installed.fingerprint;
  if (outcome === "failed") {
    out.failure =
      established && !installed
        ? "the key was established but never installed on the coordinator"
        : (describeFailure(ke) ?? "no key was established");
  }
  return out;
}
