/** Basic 0x0000 (herdsman's genBasic attributes; GB serves PhysicalEnvironment 0x01) and Time 0x000A (domain.md §8, §9). */
import { TIME_STATUS } from "../bits.js";
import { attr, cmd, defineCluster } from "../define.js";
import { DataType as T } from "../types.js";

export const basic = defineCluster({
  id: 0x0000,
  name: "genBasic",
  aliases: ["basic"],
  attributes: [
    attr(0x0000, "zclVersion", T.UINT8, { required: true }),
    attr(0x0001, "appVersion", T.UINT8),
    attr(0x0002, "stackVersion", T.UINT8),
    attr(0x0003, "hwVersion", T.UINT8),
    attr(0x0004, "manufacturerName", T.CHAR_STR, { maxLen: 32 }),
    attr(0x0005, "modelId", T.CHAR_STR, { maxLen: 32 }),
    attr(0x0006, "dateCode", T.CHAR_STR, { maxLen: 16 }),
    attr(0x0007, "powerSource", T.ENUM8, { required: true }),
    attr(0x0008, "genericDeviceClass", T.ENUM8),
    attr(0x0009, "genericDeviceType", T.ENUM8),
    attr(0x000a, "productCode", T.OCTET_STR),
    attr(0x000b, "productUrl", T.CHAR_STR),
    attr(0x000c, "manufacturerVersionDetails", T.CHAR_STR),
    attr(0x000d, "serialNumber", T.CHAR_STR),
    attr(0x000e, "productLabel", T.CHAR_STR),
    attr(0x0010, "locationDesc", T.CHAR_STR, { maxLen: 16, writable: true }),
    // GBCS 10.2.2: supported, value 0x01 (domain.md §9).
    attr(0x0011, "physicalEnv", T.ENUM8, { writable: true }),
    attr(0x0012, "deviceEnabled", T.BOOLEAN, { writable: true }),
    attr(0x0013, "alarmMask", T.BITMAP8, { writable: true }),
    attr(0x0014, "disableLocalConfig", T.BITMAP8, { writable: true }),
    attr(0x4000, "swBuildId", T.CHAR_STR, { maxLen: 16 }),
  ],
  commands: [cmd(0x00, "resetFactDefault")],
  commandsResponse: [],
});

export const time = defineCluster({
  id: 0x000a,
  name: "genTime",
  aliases: ["time"],
  attributes: [
    attr(0x0000, "time", T.UTC, { required: true, writable: true }),
    attr(0x0001, "timeStatus", T.BITMAP8, { required: true, writable: true, bits: TIME_STATUS }),
    attr(0x0002, "timeZone", T.INT32, { writable: true }),
    attr(0x0003, "dstStart", T.UINT32, { writable: true }),
    attr(0x0004, "dstEnd", T.UINT32, { writable: true }),
    attr(0x0005, "dstShift", T.INT32, { writable: true }),
    attr(0x0006, "standardTime", T.UINT32),
    attr(0x0007, "localTime", T.UINT32),
    attr(0x0008, "lastSetTime", T.UTC),
    attr(0x0009, "validUntilTime", T.UTC, { writable: true }),
  ],
  commands: [],
  commandsResponse: [],
});
