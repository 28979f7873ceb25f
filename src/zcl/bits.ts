/** Named bits of the Smart Energy bitmaps hanbench reads and writes, and helpers to name them. */
import type { BitField } from "./types.js";

/** ProposedTenancyChangeControl / ProviderChangeControl (bitmap32), domain.md §3.2. Bits 11–12 are a field: see PTCC_FIELDS. */
export const PTCC = {
  preSnapshots: 0x1,
  postSnapshots: 0x2,
  resetCreditRegister: 0x4,
  resetDebitRegister: 0x8,
  resetBillingPeriod: 0x10,
  clearTariffPlan: 0x20,
  clearStandingCharge: 0x40,
  blockHistoricalLoadProfileInformation: 0x80,
  clearHistoricalLoadProfileInformation: 0x100,
  clearIhdDataConsumer: 0x200,
  clearIhdDataSupplier: 0x400,
  clearTransactionLog: 0x2000,
  clearPrepaymentData: 0x4000,
} as const;

export const PTCC_FIELDS: Readonly<Record<string, BitField>> = {
  meterContactorState: { mask: 0x1800, values: ["supplyOff", "supplyOffArmed", "supplyOn", "supplyUnchanged"] },
};

/** Messaging MessageControl (bitmap8), domain.md §6.2. Bits 0–1 and 2–3 are fields: see MESSAGE_CONTROL_FIELDS. */
export const MESSAGE_CONTROL = {
  enhancedConfirmationRequired: 0x20,
  messageConfirmationRequired: 0x80,
} as const;

export const MESSAGE_CONTROL_FIELDS: Readonly<Record<string, BitField>> = {
  transmission: { mask: 0x03, values: ["normal", "normalAndAnonymousInterPan", "interPanOnly", "reserved"] },
  importance: { mask: 0x0c, values: ["low", "medium", "high", "critical"] },
};

/** Device Management client EventConfiguration (bitmap8), domain.md §3.3. Bits 0–2 are the log action field. */
export const EVENT_CONFIGURATION = {
  pushEventToWan: 0x08,
  pushEventToHan: 0x10,
  raiseZigbeeAlarm: 0x20,
  raisePhysicalAlarm: 0x40,
} as const;

export const EVENT_CONFIGURATION_FIELDS: Readonly<Record<string, BitField>> = {
  logAction: {
    mask: 0x07,
    values: ["doNotLog", "logAsTamper", "logAsFault", "logAsGeneral", "logAsSecurity", "logAsNetwork", "r6", "r7"],
  },
};

/** Time cluster TimeStatus (bitmap8), domain.md §8. GB Comms Hubs serve 9 (master | superseding). */
export const TIME_STATUS = {
  master: 0x1,
  synchronized: 0x2,
  masterZoneDst: 0x4,
  superseding: 0x8,
} as const;

/** Names of the bits of `bits` that are set in `value`, in mask order. Multi-bit masks count when all their bits are set. */
export function bitNames(bits: Readonly<Record<string, number>>, value: number): string[] {
  return Object.entries(bits)
    .filter(([, mask]) => mask !== 0 && (value & mask) >>> 0 === mask >>> 0)
    .sort((a, b) => (a[1] >>> 0) - (b[1] >>> 0))
    .map(([name]) => name);
}

/** Value names of the multi-bit fields of a bitmap, e.g. `{transmission: "normal", importance: "low"}`. */
export function fieldValues(fields: Readonly<Record<string, BitField>>, value: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, field] of Object.entries(fields)) {
    const shift = Math.log2(field.mask & -field.mask);
    const raw = ((value & field.mask) >>> 0) >>> shift;
    out[name] = field.values[raw] ?? String(raw);
  }
  return out;
}

/** The bitmap value with exactly the named bits set. Throws on an unknown name. */
export function bitsValue(bits: Readonly<Record<string, number>>, names: readonly string[]): number {
  let value = 0;
  for (const name of names) {
    const mask = bits[name];
    if (mask === undefined) throw new Error(`unknown bit name '${name}' (known: ${Object.keys(bits).join(", ")})`);
    value = (value | mask) >>> 0;
  }
  return value;
}
