/**
 * GB test vectors (RTDS 4.5.0, domain.md §16): the ZCL frames cut out of the GBZ payloads, with the values
 * their fields decode to.
 */

/** §16.1 GCS09 PublishChangeOfTenancy (cluster 0x0708), server → client, default response enabled. */
export const GCS09_COMMAND = {
  clusterId: 0x0708,
  hex: "09 00 00 00 00 00 00 80 4A 37 1C 00 20 6E C6 1F 00 02 00 00",
  frame: {
    frameType: "specific",
    direction: "serverToClient",
    disableDefaultResponse: false,
    tsn: 0,
    commandId: 0x00,
    command: "publishChangeOfTenancy",
    payload: {
      providerId: 0,
      issuerEventId: 473385600, // 0x1C374A80
      tariffType: 0,
      implementationDateTime: 533098016, // 0x1FC66E20 = 2016-11-22T02:46:56Z
      proposedTenancyChangeControl: 0x200, // bit 9 only: Clear IHD Data – Consumer
    },
  },
} as const;

/** §16.2 GCS09 response: Default Response to command 0x00, SUCCESS; global, client → server. */
export const GCS09_RESPONSE = {
  clusterId: 0x0708,
  hex: "00 00 0B 00 00",
  frame: {
    frameType: "global",
    direction: "clientToServer",
    disableDefaultResponse: false,
    tsn: 0,
    commandId: 0x0b,
    command: "defaultRsp",
    payload: { commandId: 0x00, status: 0x00 },
  },
} as const;

/** §16.3 GCS07 DisplayMessage (cluster 0x0703), without the optional ExtendedMessageControl byte. */
export const GCS07_COMMAND = {
  clusterId: 0x0703,
  hex: "09 00 00 80 4A 37 1C 00 00 00 00 00 FF FF 05 52 65 73 65 74",
  frame: {
    frameType: "specific",
    direction: "serverToClient",
    disableDefaultResponse: false,
    tsn: 0,
    commandId: 0x00,
    command: "displayMessage",
    payload: {
      messageId: 473385600,
      messageControl: 0,
      startTime: 0, // now
      durationInMinutes: 0xffff, // until changed
      message: "Reset",
    },
  },
} as const;

/** §16.3 GCS07 response: Default Response to DisplayMessage, SUCCESS. */
export const GCS07_RESPONSE = { ...GCS09_RESPONSE, clusterId: 0x0703 } as const;

export const VECTORS = { GCS09_COMMAND, GCS09_RESPONSE, GCS07_COMMAND, GCS07_RESPONSE } as const;

export function bytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ""), "hex");
}
