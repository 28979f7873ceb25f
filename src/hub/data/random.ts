/**
 * Deterministic randomness: every generator value is a pure function of (seed, stream, index). `mix`
 * hashes the inputs into a uint32, so any half-hour of any meter can be computed on demand, without
 * storing a series.
 */

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
