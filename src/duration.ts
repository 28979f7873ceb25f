/**
 * Durations as people write them and read them (command line, bench console, DUT files, progress lines):
 * `90s`, `30m`, `24h`, `2d`, `1h30m`, or plain milliseconds (`1500`).
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched += m[0].length;
  }
  if (matched === 0 || matched !== s.length) {
    throw new RangeError(`'${text}' is not a duration (examples: 90s, 30m, 24h, 2d, 1h30m)`);
  }
  return Math.round(total);
}

/** `86400000` → `24h`, `5400000` → `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest) parts.push(`${rest}ms`);
  return parts.join("");
}
