/** The virtual probe: an emulated device's own data store, read directly. */
import type { Holdings } from "../../evidence/events.js";
import type { LookFor, Probe, ProbeAnswer } from "./types.js";

export interface HoldingsView {
  holdings(): Holdings;
}

export class VirtualProbe implements Probe {
  readonly method = "virtual" as const;
  constructor(readonly device: HoldingsView) {}

  async take(_purpose: string, _lookFor: LookFor): Promise<ProbeAnswer> {
    try {
      // a deep copy: later changes of the device must not rewrite what was recorded
      return { ok: true, holdings: structuredClone(this.device.holdings()) };
    } catch (err) {
      return { ok: false, error: `virtual probe: ${(err as Error).message}` };
    }
  }
}
