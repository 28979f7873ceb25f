/**
 * The last requests each device made to the coordinator (client → server ZCL), for the person at the bench
 * (`requests` in `hanbench serve`) and for quick checks in tests. A fixed-size ring per device; the full
 * record is the evidence log.
 */
import type { Clock } from "../hub/clock.js";
import type { EndpointRole } from "../evidence/events.js";

export interface RequestSummary {
  /** Hub time, ms. */
  at: number;
  hubEp: number;
  role: EndpointRole | undefined;
  clusterId: number;
  command: string;
  attrIds?: number[];
}

export class RequestLog {
  readonly #perDevice = new Map<string, RequestSummary[]>();

  constructor(
    private readonly clock: Clock,
    private readonly keep = 20,
  ) {}

  record(device: string, req: Omit<RequestSummary, "at">): void {
    let list = this.#perDevice.get(device);
    if (!list) {
      list = [];
      this.#perDevice.set(device, list);
    }
    list.push({ at: this.clock.now(), ...req });
    if (list.length > this.keep) list.shift();
  }

  /** Oldest first. */
  last(device: string, n = this.keep): RequestSummary[] {
    const list = this.#perDevice.get(device) ?? [];
    return list.slice(Math.max(0, list.length - n));
  }
}
