/**
 * Named values of the EZSP reference (UG100 / UG600 "Named values") and of sl_status.h, as many as this NCP
 * uses. Each name is written once here; the handlers use the names.
 */

/** sl_status_t values (status fields of EZSP 14 and later). */
export const SlStatus = {
  OK: 0x0000,
  FAIL: 0x0001,
  INVALID_STATE: 0x0002,
  BUSY: 0x0004,
  NOT_SUPPORTED: 0x000f,
  NETWORK_UP: 0x0015,
  NETWORK_DOWN: 0x0016,
  NOT_JOINED: 0x0017,
  /** sl_status.h: 0x0019 is ALLOCATION_FAILED; FULL is 0x001C. */
  FULL: 0x001c,
  INVALID_PARAMETER: 0x0021,
  INVALID_INDEX: 0x0027,
  NOT_FOUND: 0x002d,
  ALREADY_EXISTS: 0x002e,
  MESSAGE_TOO_LONG: 0x0038,
  INVALID_CHANNEL_MASK: 0x004f,
  ZIGBEE_DELIVERY_FAILED: 0x0c02,
  ZIGBEE_SECURITY_STATE_NOT_SET: 0x0c0b,
  ZIGBEE_CHANNEL_CHANGED: 0x0c17,
  ZIGBEE_NETWORK_OPENED: 0x0c18,
  ZIGBEE_NETWORK_CLOSED: 0x0c19,
} as const;

/** EmberApsOption bits of an EmberApsFrame's options (UG100, EmberApsOption). */
export const ApsOption = {
  /** Send with APS encryption, using the link key of the destination (outgoing); the frame came APS-encrypted (incoming). */
  ENCRYPTION: 0x0020,
} as const;

/** EzspStatus: the reason of an invalidCommand response and the status of some value commands. */
export const EzspStatus = {
  SUCCESS: 0x00,
  ERROR_VERSION_NOT_SET: 0x30,
  ERROR_INVALID_FRAME_ID: 0x31,
  ERROR_WRONG_DIRECTION: 0x32,
  ERROR_TRUNCATED: 0x33,
  ERROR_OVERFLOW: 0x34,
  ERROR_OUT_OF_MEMORY: 0x35,
  ERROR_INVALID_VALUE: 0x36,
  ERROR_INVALID_ID: 0x37,
  ERROR_INVALID_CALL: 0x38,
  ERROR_NO_RESPONSE: 0x39,
  ERROR_COMMAND_TOO_LONG: 0x40,
  ERROR_UNSUPPORTED_CONTROL: 0x49,
} as const;

/** EzspConfigId. */
export const ConfigId = {
  PACKET_BUFFER_COUNT: 0x01,
  NEIGHBOR_TABLE_SIZE: 0x02,
  APS_UNICAST_MESSAGE_COUNT: 0x03,
  BINDING_TABLE_SIZE: 0x04,
  ADDRESS_TABLE_SIZE: 0x05,
  MULTICAST_TABLE_SIZE: 0x06,
  ROUTE_TABLE_SIZE: 0x07,
  DISCOVERY_TABLE_SIZE: 0x08,
  STACK_PROFILE: 0x0c,
  SECURITY_LEVEL: 0x0d,
  MAX_HOPS: 0x10,
  MAX_END_DEVICE_CHILDREN: 0x11,
  INDIRECT_TRANSMISSION_TIMEOUT: 0x12,
  END_DEVICE_POLL_TIMEOUT: 0x13,
  TX_POWER_MODE: 0x17,
  DISABLE_RELAY: 0x18,
  TRUST_CENTER_ADDRESS_CACHE_SIZE: 0x19,
  SOURCE_ROUTE_TABLE_SIZE: 0x1a,
  FRAGMENT_WINDOW_SIZE: 0x1c,
  FRAGMENT_DELAY_MS: 0x1d,
  KEY_TABLE_SIZE: 0x1e,
  APS_ACK_TIMEOUT: 0x1f,
  BEACON_JITTER_DURATION: 0x20,
  PAN_ID_CONFLICT_REPORT_THRESHOLD: 0x22,
  REQUEST_KEY_TIMEOUT: 0x24,
  CERTIFICATE_TABLE_SIZE: 0x29,
  APPLICATION_ZDO_FLAGS: 0x2a,
  BROADCAST_TABLE_SIZE: 0x2b,
  MAC_FILTER_TABLE_SIZE: 0x2c,
  SUPPORTED_NETWORKS: 0x2d,
  SEND_MULTICASTS_TO_SLEEPY_ADDRESS: 0x2e,
  ZLL_GROUP_ADDRESSES: 0x2f,
  ZLL_RSSI_THRESHOLD: 0x30,
  MTORR_FLOW_CONTROL: 0x33,
  RETRY_QUEUE_SIZE: 0x34,
  NEW_BROADCAST_ENTRY_THRESHOLD: 0x35,
  TRANSIENT_KEY_TIMEOUT_S: 0x36,
  BROADCAST_MIN_ACKS_NEEDED: 0x37,
  TC_REJOINS_USING_WELL_KNOWN_KEY_TIMEOUT_S: 0x38,
  CTUNE_VALUE: 0x39,
  ASSUME_TC_CONCENTRATOR_TYPE: 0x40,
  GP_PROXY_TABLE_SIZE: 0x41,
  GP_SINK_TABLE_SIZE: 0x42,
} as const;

/** EzspValueId (getValue / setValue). */
export const ValueId = {
  STACK_TOKEN_WRITING: 0x07,
  EXTENDED_SECURITY_BITMASK: 0x0a,
  NODE_SHORT_ID: 0x0b,
  VERSION_INFO: 0x11,
  CCA_THRESHOLD: 0x15,
  NWK_FRAME_COUNTER: 0x23,
  APS_FRAME_COUNTER: 0x24,
  TRANSIENT_KEY_TIMEOUT_S: 0x3b,
  NWK_OPEN_DURATION: 0x42,
  TRANSIENT_DEVICE_TIMEOUT: 0x43,
} as const;

/** EzspExtendedValueId (getExtendedValue). */
export const ExtendedValueId = { ENDPOINT_FLAGS: 0x00, LAST_LEAVE_REASON: 0x01 } as const;

/** EzspPolicyId. */
export const PolicyId = {
  TRUST_CENTER_POLICY: 0x00,
  BINDING_MODIFICATION_POLICY: 0x01,
  UNICAST_REPLIES_POLICY: 0x02,
  POLL_HANDLER_POLICY: 0x03,
  MESSAGE_CONTENTS_IN_CALLBACK_POLICY: 0x04,
  TC_KEY_REQUEST_POLICY: 0x05,
  APP_KEY_REQUEST_POLICY: 0x06,
  PACKET_VALIDATE_LIBRARY_POLICY: 0x07,
  ZLL_POLICY: 0x08,
  TC_REJOINS_USING_WELL_KNOWN_KEY_POLICY: 0x09,
} as const;

/** Bits of the TRUST_CENTER_POLICY decision (EzspDecisionBitmask). */
export const TcPolicy = { ALLOW_JOINS: 0x01, ALLOW_UNSECURED_REJOINS: 0x02 } as const;

/** EzspDecisionId values that are defaults of the other policies. */
export const Decision = {
  DISALLOW_BINDING_MODIFICATION: 0x10,
  HOST_WILL_NOT_SUPPLY_REPLY: 0x20,
  POLL_HANDLER_IGNORE: 0x30,
  MESSAGE_TAG_ONLY_IN_CALLBACK: 0x40,
  MESSAGE_TAG_AND_CONTENTS_IN_CALLBACK: 0x41,
  DENY_TC_KEY_REQUESTS: 0x50,
  DENY_APP_KEY_REQUESTS: 0x60,
  ALLOW_APP_KEY_REQUESTS: 0x61,
  PACKET_VALIDATE_LIBRARY_CHECKS_ENABLED: 0x62,
} as const;

export const NodeType = { UNKNOWN: 0, COORDINATOR: 1, ROUTER: 2, END_DEVICE: 3, SLEEPY_END_DEVICE: 4 } as const;
export const NetworkStatus = { NO_NETWORK: 0, JOINING: 1, JOINED: 2, LEAVING: 6 } as const;

/** EmberDeviceUpdate (trustCenterJoinHandler status). */
export const DeviceUpdate = {
  STANDARD_SECURITY_SECURED_REJOIN: 0,
  STANDARD_SECURITY_UNSECURED_JOIN: 1,
  DEVICE_LEFT: 2,
  STANDARD_SECURITY_UNSECURED_REJOIN: 3,
} as const;

/** EmberJoinDecision. */
export const JoinDecision = { USE_PRECONFIGURED_KEY: 0, SEND_KEY_IN_THE_CLEAR: 1, DENY_JOIN: 2, NO_ACTION: 3 } as const;

export const IncomingMessageType = {
  UNICAST: 0,
  UNICAST_REPLY: 1,
  MULTICAST: 2,
  MULTICAST_LOOPBACK: 3,
  BROADCAST: 4,
  BROADCAST_LOOPBACK: 5,
} as const;

export const OutgoingMessageType = {
  DIRECT: 0,
  VIA_ADDRESS_TABLE: 1,
  VIA_BINDING: 2,
  MULTICAST: 3,
  MULTICAST_WITH_ALIAS: 4,
  BROADCAST_WITH_ALIAS: 5,
  BROADCAST: 6,
} as const;

/** sl_zb_sec_man_key_type_t. */
export const KeyType = { NONE: 0, NETWORK: 1, TC_LINK: 2, TC_LINK_WITH_TIMEOUT: 3, APP_LINK: 4, INTERNAL: 9 } as const;

/** EmberInitialSecurityBitmask bits this NCP acts on. */
export const InitialSecurity = {
  HAVE_PRECONFIGURED_KEY: 0x0100,
  HAVE_NETWORK_KEY: 0x0200,
  NO_FRAME_COUNTER_RESET: 0x1000,
} as const;

/** sl_zb_sec_man_aps_key_metadata_t bitmask (EmberKeyStructBitmask). */
export const KeyBits = {
  HAS_OUTGOING_FRAME_COUNTER: 0x0002,
  HAS_INCOMING_FRAME_COUNTER: 0x0004,
  IS_AUTHORIZED: 0x0010,
  UNCONFIRMED_TRANSIENT: 0x0040,
  HAS_KEY_DATA: 0x0100,
} as const;

/** EmberVersionType. */
export const VersionType = { PRE_RELEASE: 0x00, GA: 0xaa } as const;

/** Endpoint flags of getExtendedValue(ENDPOINT_FLAGS). */
export const EndpointFlags = { ENABLED: 0x0001 } as const;

/** The stack type VERSION reports (EZSP_STACK_TYPE_MESH). */
export const STACK_TYPE_MESH = 0x02;
