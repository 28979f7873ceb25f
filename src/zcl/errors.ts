/** Codec errors. Messages are one line and name the field (and, when decoding, the byte offset in the frame). */

export class ZclDecodeError extends Error {
  override name = "ZclDecodeError";
  constructor(
    readonly field: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`${field} at byte ${offset}: ${reason}`);
  }
}

/** `offset`, when known, is where the field would start in the encoded frame. */
export class ZclEncodeError extends Error {
  override name = "ZclEncodeError";
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly offset?: number,
  ) {
    super(`${field}${offset === undefined ? "" : ` at byte ${offset}`}: ${reason}`);
  }
}

/**
 * Something a decoded frame holds that the ZCL or SE specification does not allow, though it could still be
 * read (a BOOLEAN of 5, invalid UTF-8, a string longer than its field's maximum, reserved bits set). The
 * decoder reads such frames leniently and lists what it saw in `ZclFrame.violations`, so that a
 * conformance bench shows a device's bytes as they are. `offset` is the byte offset in the frame.
 */
export interface ZclViolation {
  field: string;
  offset: number;
  what: string;
}

let collecting: ZclViolation[] | undefined;

/** Runs a (synchronous) decode and returns what it produced with the violations it noted. */
export function collectViolations<T>(decode: () => T): [T, ZclViolation[]] {
  const outer = collecting;
  const mine: ZclViolation[] = [];
  collecting = mine;
  try {
    return [decode(), mine];
  } finally {
    collecting = outer;
  }
}

/** Notes a violation of the decode in progress (nothing outside collectViolations). */
export function violation(field: string, offset: number, what: string): void {
  collecting?.push({ field, offset, what });
}
