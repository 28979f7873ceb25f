/**
 * What a probe should look for on a DUT: the marker texts and values the hub served it, per tenancy.
 *
 * Probes come one after another through a run over a log that only grows, so what was gathered for a
 * device is remembered per log and the next probe looks only at the events appended since, read from the
 * log's EvidenceIndex (the device's served values and the pushes to every device, in log order).
 */
import type { Evidence, ServedEvent } from "../evidence/events.js";
import { EvidenceIndex } from "../evidence/log-index.js";
import type { LookFor } from "./probes/types.js";
import { ClusterId } from "../zcl/index.js";

/** Consumption samples per tenancy an operator is asked about. */
const SAMPLES = 3;

type Served = Evidence & ServedEvent;

interface Gathered {
  /** Positions of the next events to look at in the device's served values and in the pushes ("*"). */
  nextOwn: number;
  nextAll: number;
  /** Message ids served, by `tenancy:t` (the message text follows its id in the same served batch). */
  ids: Map<string, number>;
  messages: Map<string, LookFor["messages"][number]>;
  perTenancy: Map<number, number>;
  consumption: LookFor["consumption"];
}

const gathered = new WeakMap<readonly Evidence[], Map<string, Gathered>>();

function take(g: Gathered, s: Served): void {
  const key = `${s.tenancy}:${s.t}`;
  if (s.item.endsWith("messageId") && typeof s.value === "number") g.ids.set(key, s.value);
  if (s.item.endsWith(".message") && typeof s.value === "string") {
    const messageId = g.ids.get(key);
    if (messageId !== undefined && !g.messages.has(String(messageId))) {
      g.messages.set(String(messageId), { messageId, text: s.value, tenancy: s.tenancy });
    }
  }
  if (s.clusterId !== ClusterId.metering || typeof s.value !== "number" || !s.period) return;
  const n = g.perTenancy.get(s.tenancy) ?? 0;
  if (n >= SAMPLES) return;
  g.perTenancy.set(s.tenancy, n + 1);
  g.consumption.push({
    role: s.role,
    clusterId: s.clusterId,
    item: s.item,
    value: s.value,
    period: s.period,
    tenancy: s.tenancy,
  });
}

export function lookForDut(events: readonly Evidence[], device: string): LookFor {
  let byDevice = gathered.get(events);
  if (!byDevice) {
    byDevice = new Map();
    gathered.set(events, byDevice);
  }
  let g = byDevice.get(device);
  if (!g) {
    g = { nextOwn: 0, nextAll: 0, ids: new Map(), messages: new Map(), perTenancy: new Map(), consumption: [] };
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
  return { messages: [...g.messages.values()], consumption: g.consumption.map((c) => ({ ...c })) };
}
