/**
 * Server attribute definitions by (cluster, attribute id): src/zcl's `attributeDef`, which indexes the
 * cluster records once at load. Kept under this name for existing importers; new code calls `attributeDef`.
 */
export { attributeDef as serverAttributeDef } from "../zcl/index.js";
