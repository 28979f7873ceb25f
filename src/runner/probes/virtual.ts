/** The virtual probe: an emulated device's own data store, read directly. */
import type { Holdings } from "../../evidence/events.js";
import type { LookFor, Probe, ProbeAnswer } from "./types.js";

export interface HoldingsView {
  /** A copy of what the device holds, sharing no object with the device (DeviceStore.holdings builds one anew). */
  holdings(): Holdings;
}

export class VirtualProbe implements Probe {
  readonly method = "virtual" as const;
  readonly readsLookFor = false;
  constructor(readonly device: HoldingsView) {}

  async take(_purpose: string, _lookFor: LookFor): Promise<ProbeAnswer> {
    try {
      // no copy of the copy: holdings() shares nothing with the device, and the evidence log copies what it
      // records again (jsonSafe), so later changes of the device cannot rewrite what was recorded
      return { ok: true, holdings: this.device.holdings() };
    } catch (err) {
      return { ok: false, error: `virtual probe: ${(err as Error).message}` };
    }
  }
}
