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
