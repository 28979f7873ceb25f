/**
 * Deterministic randomness and the tenancy tag.
 *
 * Every generator value is a pure function of (seed, tenancy, stream, index): `mix` hashes the inputs into
 * a uint32, so any half-hour of any tenancy can be computed on demand, without storing a series.
 *
 * The tag makes attribution unambiguous: every tenancy-data value the hub serves (consumption, cost,
 * credit, top-ups, debts, prices, message ids) has its last two decimal digits equal to its tenancy
 * (`value % 100 === tenancy`). Two tenancies therefore never serve the same value for any item, period
 * or time, and a value a device holds names its tenancy (`tenancyOfValue`). Raw series are aggregated
 * first and the tag is applied to each served figure, so a served value is within 99 units of the raw
 * figure it stands for.
 */

/** Tenancies are tagged modulo this; so at most 99 tenancies per run. */
const TAG_MODULUS = 100;
export const MAX_TENANCY = TAG_MODULUS - 1;

/** A 32-bit avalanche hash of a list of integers (each taken modulo 2^32). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    let k = Math.floor(p) >>> 0;
    // Fold in the high bits of numbers above 2^32 (half-hour indices, ms timestamps).
    const hi = Math.floor(p / 0x1_0000_0000) >>> 0;
    k = Math.imul(k ^ Math.imul(hi, 0x85ebca6b), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) from the same inputs as `mix`. */
export function unit(...parts: number[]): number {
  return mix(...parts) / 0x1_0000_0000;
}

/** An integer in [lo, hi] from the same inputs as `mix`. */
export function between(lo: number, hi: number, ...parts: number[]): number {
  return lo + Math.floor(unit(...parts) * (hi - lo + 1));
}

/** The served form of a raw non-negative figure: its last two decimal digits replaced by the tenancy. */
export function tagValue(raw: number, tenancy: number): number {
  if (!Number.isInteger(tenancy) || tenancy < 1 || tenancy > MAX_TENANCY) {
    throw new RangeError(`tenancy ${tenancy} cannot be tagged (1..${MAX_TENANCY})`);
  }
  const r = Math.max(0, Math.floor(raw));
  return r - (r % TAG_MODULUS) + tenancy;
}

/** The tenancy a tagged value belongs to. */
export function tenancyOfValue(value: number | bigint): number {
  return Number(BigInt(value) % BigInt(TAG_MODULUS));
}
