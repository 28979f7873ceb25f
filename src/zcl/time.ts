/** ZCL UTC time (type 0xE2): uint32 seconds since 2000-01-01T00:00:00Z. */

/** Seconds between the Unix epoch and the ZCL epoch. */
const ZCL_EPOCH_S = 946_684_800;

export function zclUtcToDate(utc: number): Date {
  return new Date((utc + ZCL_EPOCH_S) * 1000);
}

/** ZCL UTC seconds of a date (sub-second part dropped). */
export function dateToZclUtc(d: Date): number {
  return Math.floor(d.getTime() / 1000) - ZCL_EPOCH_S;
}

/** ISO-8601 with second precision and a trailing `Z`, e.g. `2016-11-22T02:46:56Z`. */
export function zclUtcToIso(utc: number): string {
  return zclUtcToDate(utc)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
}

/** Parses an ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`) into ZCL UTC seconds; undefined if not one. */
export function isoToZclUtc(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) - ZCL_EPOCH_S;
}
