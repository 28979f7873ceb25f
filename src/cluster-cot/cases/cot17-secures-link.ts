/**
 * COT-17 Secures its link (Type 1) (cot-suite.md "Cases" and "Security"): a PPMID completes Certificate-Based
 * Key Establishment with the CHF and sends all its Smart Energy traffic APS-secured.
 *
 * - `not_applicable`: the run used `--security off`; an IHD (Type 2: install code and network security only)
 *   unless it declares CBKE.
 * - `inconclusive`: the key-establishment pre-check found an issuer mismatch (the hub's certificate and the
 *   DUT's are from different CAs: not testable with this hub certificate); on a bench the PPMID–ESME pairing,
 *   ordered by signed GBCS commands, is out of reach without test-SMKI credentials, so traffic to the ESME
 *   cannot be secured by the bench; SecurityUse not reported for some frames.
 * - `error`: the key was established but the coordinator did not take it (the bench failed).
 * - `fail`: no key was established (a Terminate, a timeout, no Initiate at all), or SE frames on clusters that
 *   need APS security (SE 1.4 §5.4.6) went without it, to the hub or to the ESME.
 * - `pass`: a key was established and installed, and every such frame was APS-secured.
 */
import { PHASE } from "../plan.js";
import { securityOf } from "../security.js";
import { type CaseDef, outcome } from "./case.js";

function suiteName(suite: number | undefined): string {
  return suite === 2
    ? "suite 2 (sect283k1)"
    : suite === 1
      ? "suite 1 (sect163k1)"
      : `suite 0x${(suite ?? 0).toString(16)}`;
}

export const cot17: CaseDef = {
  id: "COT-17",
  title: "Secures its link (Type 1)",
  basis: ["gb"],
  phases: [PHASE.join],
  evaluate(view) {
    const s = securityOf(view);
    if (s.mode === "off") {
      return outcome("not_applicable", "the run did not use key establishment (--security off)", [view.run.seq]);
    }
    if (s.deviceType === "Type 2") {
      return outcome(
        "not_applicable",
        "an IHD is a Type 2 device: it joins with its install code and uses network security only (it declares no CBKE)",
        [view.run.seq],
      );
    }
    if (s.issuerMismatch) {
      return outcome(
        "inconclusive",
        `the key-establishment pre-check found an issuer mismatch (Terminate UNKNOWN_ISSUER): not testable with this hub certificate (issuer ${view.run.security?.issuer ?? "unknown"})`,
        s.evidence,
      );
    }
    if (s.outcome === "not-attempted") {
      return outcome(
        "fail",
        "the DUT never started key establishment with the CHF (no Initiate Key Establishment Request)",
        [view.run.seq],
      );
    }
    if (s.outcome === "failed") {
      if (s.failure?.includes("never installed") || s.failure?.includes("did not take")) {
        return outcome("error", `key establishment: ${s.failure}`, s.evidence);
      }
      return outcome("fail", `no link key with the CHF: ${s.failure ?? "the exchange did not complete"}`, s.evidence);
    }
    const frames = s.seFrames.hub + s.seFrames.esme;
    const unsecured = s.unsecured.hub + s.unsecured.esme;
    const keyed = `CBKE ${suiteName(s.suite)} with the CHF (key ${s.fingerprint}, seq ${s.evidence[0]}…)`;
    if (unsecured > 0) {
      return outcome(
        "fail",
        `${keyed}, but ${unsecured} of ${frames} SE frames went without APS security (${s.unsecured.hub} to the hub, ${s.unsecured.esme} to the ESME; first seq ${s.firstUnsecured})`,
        s.evidence,
      );
    }
    if (s.unknown > 0) {
      return outcome(
        "inconclusive",
        `${keyed}; the coordinator did not report APS security for ${s.unknown} of ${frames} SE frames`,
        s.evidence,
      );
    }
    if (view.run.mode === "bench") {
      // the bench serves the ESME from the hub node (single-dongle mode): a meter's own pairing is not shown
      return outcome(
        "inconclusive",
        `${keyed}, all ${frames} SE frames APS-secured; the PPMID–ESME pairing (ordered by GBCS CS03A) is out of reach of a bench without test-SMKI credentials`,
        s.evidence,
      );
    }
    return outcome(
      "pass",
      `${keyed}; all ${frames} SE frames APS-secured (${s.seFrames.hub} to the hub, ${s.seFrames.esme} to the ESME)`,
      s.evidence,
    );
  },
};
