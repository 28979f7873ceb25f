/** Smart Energy ZCL: cluster definitions, the codec and registration with zigbee-herdsman. No I/O. */
export {
  bitNames,
  bitsValue,
  EVENT_CONFIGURATION,
  EVENT_CONFIGURATION_FIELDS,
  fieldValues,
  MESSAGE_CONTROL,
  MESSAGE_CONTROL_FIELDS,
  PTCC,
  PTCC_FIELDS,
  TIME_STATUS,
} from "./bits.js";
export { ZclDecodeError, ZclEncodeError, type ZclViolation } from "./errors.js";
export { GLOBAL_COMMANDS, type GlobalCommand, globalCommand } from "./foundation.js";
export { decodeZcl, decodeZclHeader, encodeZcl, type ZclFrameInput, type ZclHeader } from "./frame.js";
export { herdsmanClusters } from "./herdsman.js";
export { attributeId, ClusterId, commandId, HA_PROFILE_ID, SE_PROFILE_ID } from "./ids.js";
export { frameFromJson, frameToJson } from "./json.js";
export { decodeParams, encodeParams } from "./payload.js";
export {
  attributeByName,
  attributeDef,
  CLUSTERS,
  clusterById,
  clusterByName,
  commandDef,
  commandsFor,
} from "./registry.js";
export { APS_SECURED_CLUSTERS, apsSecurityRequired } from "./security.js";
export { Status, type StatusCode } from "./status.js";
export { isoToZclUtc, msToZclUtc, ZCL_EPOCH_OFFSET_S, zclUtcToIso, zclUtcToMs } from "./time.js";
export {
  type AttributeDef,
  type BitField,
  type ClusterDef,
  type CommandDef,
  DataType,
  type DataTypeId,
  type Direction,
  dataTypeName,
  type FrameType,
  type ParamDef,
  type ParamKind,
  type ZclFrame,
} from "./types.js";
export {
  decodeValue,
  encodeValue,
  fixedSize,
  integerRange,
  isBigIntType,
  isIntegerType,
  writeValue,
} from "./values.js";
