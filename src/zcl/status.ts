/** ZCL status codes (the ZCL specification's status enumeration) that hanbench sends or reads. */
export const Status = {
  SUCCESS: 0x00,
  FAILURE: 0x01,
  MALFORMED_COMMAND: 0x80,
  UNSUP_COMMAND: 0x81,
  UNSUP_GENERAL_COMMAND: 0x82,
  UNSUP_MANUF_CLUSTER_COMMAND: 0x83,
  UNSUP_MANUF_GENERAL_COMMAND: 0x84,
  INVALID_FIELD: 0x85,
  UNSUPPORTED_ATTRIBUTE: 0x86,
  INVALID_VALUE: 0x87,
  NOT_FOUND: 0x8b,
  UNSUPPORTED_CLUSTER: 0xc3,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];
