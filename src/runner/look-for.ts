/** What a probe should look for on a DUT: the marker texts and values the hub served it, per tenancy. */
import type { Evidence, ServedEvent } from "../report/evidence.js";
import type { LookFor } from "./probes/types.js";

const METERING = 0x0702;
/** Consumption samples per tenancy an operator is asked about. */
const SAMPLES = 3;

type Served = Evidence & ServedEvent;

export function lookForDut(events: readonly Evidence[], device: string): LookFor {
  const served = events.filter((e): e is Served => e.kind === "served" && (e.device === device || e.device === "*"));
  const messages = new Map<string, LookFor["messages"][number]>();
  const ids = new Map<string, number>();
  for (const s of served) {
    const key = `${s.tenancy}:${s.t}`;
    if (s.item.endsWith("messageId") && typeof s.value === "number") ids.set(key, s.value);
    if (s.item.endsWith(".message") && typeof s.value === "string") {
      const messageId = ids.get(key);
      if (messageId !== undefined && !messages.has(String(messageId))) {
        messages.set(String(messageId), { messageId, text: s.value, tenancy: s.tenancy });
      }
    }
  }
  const consumption: LookFor["consumption"] = [];
  const perTenancy = new Map<number, number>();
  for (const s of served) {
    if (s.clusterId !== METERING || typeof s.value !== "number" || !s.period) continue;
    const n = perTenancy.get(s.tenancy) ?? 0;
    if (n >= SAMPLES) continue;
    perTenancy.set(s.tenancy, n + 1);
    consumption.push({
      role: s.role,
      clusterId: s.clusterId,
      item: s.item,
      value: s.value,
      period: s.period,
      tenancy: s.tenancy,
    });
  }
  return { messages: [...messages.values()], consumption };
}
