/**
 * What a DUT held in a probe, as the reports show it under a failing case: each held item on the side the
 * attribution gave it (attribution.ts) around the last CoT set recorded before the probe (each meter's T),
 * told apart as the previous or the new occupier's (or neither: straddling T, not yet due, meter state,
 * untraced), with its period and, for a message, its text in full.
 */
import { type AttributedItem, CATEGORIES } from "./attribution.js";
import type { HeldItem, HeldSnapshot } from "./results.js";
import { cotSets, type DutView, type Probe } from "./view.js";

function itemOf(a: AttributedItem): HeldItem {
  const occupier = a.side === "previous" || a.side === "new" ? a.side : "unattributed";
  const h = a.held;
  const base = {
    category: a.category,
    occupier,
    side: a.side,
    ...(a.heldAcross !== undefined ? { heldAcross: a.heldAcross } : {}),
    served: a.served.slice(0, 5),
  } as const;
  if ("messageId" in h) return { ...base, messageId: h.messageId, text: h.text };
  const period = "granularity" in h ? `${h.start} (${h.granularity})` : h.period;
  return {
    ...base,
    role: h.role,
    item: h.item,
    ...(period !== undefined ? { period } : {}),
    ...(h.value !== undefined ? { value: h.value } : {}),
  };
}

/** The snapshot of one answered probe. */
export function heldSnapshot(view: DutView, p: Probe): HeldSnapshot {
  const sets = cotSets(view.cots);
  const set = sets.findLast((s) => s.first.event.seq < p.seq) ?? sets[0];
  const attributed = view.attributed(p, set?.ts ?? {});
  const items = CATEGORIES.flatMap((c) => attributed[c].map(itemOf));
  const ts = set
    ? Object.fromEntries(set.cots.map((c) => [c.meter, new Date(c.implementationMs).toISOString()]))
    : undefined;
  return {
    probe: p.seq,
    purpose: p.purpose,
    method: p.method,
    t: p.t,
    ...(set && ts ? { cot: { seq: set.first.event.seq, ts } } : {}),
    items,
  };
}

/**
 * The snapshots taken of each view's probes: a probe behind several failing cases of a DUT is snapshotted once,
 * and its cases' results share the snapshot (nothing changes a report once built).
 */
const taken = new WeakMap<DutView, Map<number, HeldSnapshot>>();

/** Snapshots of the answered probes of this DUT among `seqs`, in log order. */
export function heldBehind(view: DutView, seqs: readonly number[]): HeldSnapshot[] {
  let ofView = taken.get(view);
  if (!ofView) {
    ofView = new Map();
    taken.set(view, ofView);
  }
  const snapshots = ofView;
  return seqs
    .map((s) => view.event(s))
    .filter((e): e is Probe => e?.kind === "probe" && e.ok && e.device.toLowerCase() === view.dut.ieee.toLowerCase())
    .map((p) => {
      let snapshot = snapshots.get(p.seq);
      if (!snapshot) {
        snapshot = heldSnapshot(view, p);
        snapshots.set(p.seq, snapshot);
      }
      return snapshot;
    });
}
