/**
 * ZCL UTC time (type 0xE2): uint32 seconds since 2000-01-01T00:00:00Z. The one place that knows the ZCL
 * epoch; hub time (ms since the Unix epoch, src/hub/clock.ts) converts through msToZclUtc / zclUtcToMs.
 */

/** Seconds between the Unix epoch and the ZCL epoch 2000-01-01T00:00:00Z. */
export const ZCL_EPOCH_OFFSET_S = 946_684_800;

/** ZCL UTC time of an instant in ms since the Unix epoch (sub-second part dropped). */
export function msToZclUtc(ms: number): number {
  return Math.floor(ms / 1000) - ZCL_EPOCH_OFFSET_S;
}

/** Ms since the Unix epoch of a ZCL UTC time. */
export function zclUtcToMs(utc: number): number {
  return (utc + ZCL_EPOCH_OFFSET_S) * 1000;
}

/** ISO-8601 with second precision and a trailing `Z`, e.g. `2016-11-22T02:46:56Z`. */
export function zclUtcToIso(utc: number): string {
  return new Date(zclUtcToMs(utc)).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Parses an ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`) into ZCL UTC seconds; undefined if not one. */
export function isoToZclUtc(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : msToZclUtc(ms);
}
