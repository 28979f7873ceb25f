/**
 * What a probe should look for on a DUT, in the terms a display shows (cot-suite.md "Attribution": an
 * operator is asked about UK local dates, views and message text, never raw attribute values): the supplier
 * messages the hub published or served it, the periods it was served consumption or cost figures of (per
 * meter and view), and the latest CoT of each meter.
 *
 * Probes come one after another through a run over a log that only grows, so what was gathered for a
 * device is remembered per log and the next probe looks only at the events appended since, read from the
 * log's EvidenceIndex (the device's served values and the pushes to every device, in log order).
 */
import { periodKindOf } from "../cluster-cot/attribution.js";
import type { EndpointRole, Evidence, ServedEvent } from "../evidence/events.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import { ClusterId } from "../zcl/index.js";
import type { LookFor } from "./probes/types.js";

type Served = Evidence & ServedEvent;
type View = LookFor["periods"][number]["view"];

interface Gathered {
  /** Positions of the next events to look at in the device's served values, in the pushes ("*") and in the CoTs. */
  nextOwn: number;
  nextAll: number;
  nextCot: number;
  /** Message id of the last `…messageId` item per served batch (the text follows its id at the same time). */
  ids: Map<string, number>;
  messages: Map<number, LookFor["messages"][number]>;
  periods: Map<string, LookFor["periods"][number]>;
  cots: Map<EndpointRole, LookFor["cots"][number]>;
}

const gathered = new WeakMap<readonly Evidence[], Map<string, Gathered>>();
const VIEWS: ReadonlySet<string> = new Set(["day", "week", "month"]);

function take(g: Gathered, s: Served): void {
  const key = `${s.role}:${s.t}`;
  if (s.item.endsWith("messageId") && typeof s.value === "number") g.ids.set(key, s.value);
  if (s.item.endsWith(".message") && typeof s.value === "string") {
    const messageId = g.ids.get(key);
    if (messageId !== undefined) {
      const m = g.messages.get(messageId);
      if (m) {
        if (!m.roles.includes(s.role)) m.roles.push(s.role);
      } else g.messages.set(messageId, { messageId, text: s.value, publishedAt: s.t, roles: [s.role] });
    }
  }
  if (!s.period || !s.periodEnd) return;
  const view = periodKindOf(s.item);
  if (!view || !VIEWS.has(view)) return;
  const measure = s.clusterId === ClusterId.prepayment ? "cost" : /Alternative/.test(s.item) ? "energy" : "consumption";
  const k = `${s.role}|${measure}|${view}|${s.period}`;
  if (!g.periods.has(k)) {
    g.periods.set(k, {
      role: s.role,
      clusterId: s.clusterId,
      view: view as View,
      measure,
      start: s.period,
      end: s.periodEnd,
    });
  }
}

export function lookForDut(events: readonly Evidence[], device: string): LookFor {
  let byDevice = gathered.get(events);
  if (!byDevice) {
    byDevice = new Map();
    gathered.set(events, byDevice);
  }
  let g = byDevice.get(device);
  if (!g) {
    g = {
      nextOwn: 0,
      nextAll: 0,
      nextCot: 0,
      ids: new Map(),
      messages: new Map(),
      periods: new Map(),
      cots: new Map(),
    };
    byDevice.set(device, g);
  }
  const index = EvidenceIndex.of(events);
  const own = index.ofDevice("served", device);
  const all = index.ofDevice("served", "*");
  // the two lists merged in log order, from where the last probe left them
  while (g.nextOwn < own.length || g.nextAll < all.length) {
    const a = own[g.nextOwn];
    const b = all[g.nextAll];
    if (a && (!b || a.seq < b.seq)) {
      take(g, a);
      g.nextOwn++;
    } else {
      take(g, b!);
      g.nextAll++;
    }
  }
  const cots = index.all("cot");
  for (; g.nextCot < cots.length; g.nextCot++) {
    const e = cots[g.nextCot]!;
    g.cots.set(e.meter, { meter: e.meter, implementationTime: e.implementationTime });
  }
  return {
    messages: [...g.messages.values()].map((m) => ({ ...m, roles: [...m.roles] })),
    periods: [...g.periods.values()].map((p) => ({ ...p })),
    cots: [...g.cots.values()].map((c) => ({ ...c })),
  };
}
