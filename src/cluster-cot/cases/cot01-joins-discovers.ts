/**
 * COT-01 Joins and discovers the hub (cot-suite.md "Cases", "Actors": the hub's SE endpoints are not
 * endpoint 1, so a device that skips service discovery is caught). SECMP0056 obliges the device to query
 * "the ESME and the GPF", which it can only find by ZDO service discovery (Match_Desc / Simple_Desc).
 *
 * Pass: the DUT's join was accepted (install code in the Device Log); it sent ZDO discovery and the hub
 * advertised endpoints; every request it sent afterwards went to an advertised endpoint that serves its
 * cluster, as that endpoint's Simple_Desc shows it (a GB CH serves the GPF on an ESI and a gas mirror:
 * Metering on the ESI is a request to the wrong endpoint); none before.
 * A stranger the hub admitted is a bench fault (`error`).
 */
import { PHASE } from "../plan.js";
import { hex } from "../../hex.js";
import type { Zcl } from "../view.js";
import { type CaseDef, outcome } from "./case.js";

/** Global commands a device sends as answers, not requests (read/write/configure responses, reports, Default Response). */
const GLOBAL_ANSWERS = new Set([0x01, 0x04, 0x07, 0x09, 0x0a, 0x0b, 0x0d, 0x12, 0x14, 0x16]);

function isRequest(z: Zcl): boolean {
  if (z.direction !== "clientToServer") return false;
  return !(z.frameType === "global" && GLOBAL_ANSWERS.has(z.commandId));
}

function frame(z: Zcl): string {
  return `seq ${z.seq} cluster ${hex(z.clusterId, 4)} ${z.command} to hub endpoint ${z.hubEp}`;
}

export const cot01: CaseDef = {
  id: "COT-01",
  title: "Joins and discovers the hub",
  basis: ["gb", "zse"],
  phases: [PHASE.join],
  evaluate(view) {
    const admitted = view.strangerJoins().find((j) => j.accepted);
    if (admitted) {
      return outcome(
        "error",
        `the hub admitted ${admitted.device}, not a DUT of this run (join seq ${admitted.seq}): the Device Log gate failed`,
        [admitted.seq],
      );
    }
    const refused = view.strangerJoins().filter((j) => !j.accepted);
    const strangerNote = refused.length
      ? `; stranger ${refused[0]!.device} refused (seq ${refused[0]!.seq})`
      : "; no stranger tried";
    const joins = view.joins();
    const joined = joins.find((j) => j.accepted);
    if (!joined) {
      const last = joins.at(-1);
      if (last) return outcome("fail", `join refused (seq ${last.seq}): ${last.reason}`, [last.seq]);
      if (!view.phase(PHASE.join).end) return outcome("inconclusive", "the join phase did not finish; no join seen");
      return outcome(
        "fail",
        `the DUT did not join (no join event by the end of the join phase, seq ${view.phase(PHASE.join).end!.seq})`,
        [view.phase(PHASE.join).end!.seq],
      );
    }
    const requests = view.sent.filter(isRequest);
    const discoveries = view.discoveries();
    const first = discoveries[0];
    if (!first) {
      const r = requests[0];
      return outcome(
        "fail",
        `joined (seq ${joined.seq}) but sent no ZDO discovery${r ? `; first request ${frame(r)}` : ""}`,
        [joined.seq, r?.seq],
      );
    }
    const advertised = new Set(discoveries.flatMap((d) => d.endpoints));
    const eps = [...advertised].sort((a, b) => a - b).join(", ");
    if (advertised.size === 0) {
      return outcome("fail", `discovery (${first.request} seq ${first.seq}) found no Smart Energy server endpoint`, [
        joined.seq,
        first.seq,
      ]);
    }
    const early = requests.find((z) => z.seq < first.seq);
    if (early) {
      return outcome("fail", `${frame(early)} before any ZDO discovery (first: ${first.request} seq ${first.seq})`, [
        early.seq,
        first.seq,
      ]);
    }
    // the clusters each endpoint advertised in a Simple_Desc the DUT asked for (unknown without one)
    const served = new Map<number, Set<number>>();
    for (const d of discoveries) {
      if (d.request !== "simpleDesc" || !d.clusters) continue;
      for (const ep of d.endpoints) served.set(ep, new Set([...(served.get(ep) ?? []), ...d.clusters]));
    }
    const stray = requests.filter((z) => !advertised.has(z.hubEp));
    const misplaced = requests.filter(
      (z) => advertised.has(z.hubEp) && served.get(z.hubEp)?.has(z.clusterId) === false,
    );
    if (!stray.length && misplaced.length) {
      const m = misplaced[0]!;
      return outcome(
        "fail",
        `${frame(m)}, which does not serve cluster ${hex(m.clusterId, 4)} (its Simple_Desc: ${[...served.get(m.hubEp)!].map((c) => hex(c, 4)).join(", ")}); ${misplaced.length} such request(s)`,
        [m.seq, first.seq, ...misplaced.slice(1, 5).map((z) => z.seq)],
      );
    }
    if (stray.length) {
      return outcome(
        "fail",
        `${frame(stray[0]!)}, not advertised (advertised: ${eps} by ${first.request} seq ${first.seq}); ${stray.length} such request(s)`,
        [stray[0]!.seq, first.seq, ...stray.slice(1, 5).map((z) => z.seq)],
      );
    }
    return outcome(
      "pass",
      `joined (seq ${joined.seq}), discovered endpoints ${eps} (${first.request} seq ${first.seq}); all ${requests.length} requests went to them${strangerNote}`,
      [joined.seq, first.seq, refused[0]?.seq],
    );
  },
};
