/**
 * Events 0x0709 (domain.md §10): command ids and the payloads our sources record; the rest of each payload is
 * kept raw (a Buffer).
 */
import { cmd, defineCluster, param } from "../define.js";
import { DataType as T } from "../types.js";

export const events = defineCluster({
  id: 0x0709,
  name: "seEvents",
  aliases: ["events"],
  attributes: [],
  commands: [
    cmd(
      0x00,
      "getEventLog",
      [
        param("eventControlLogId", T.BITMAP8),
        param("eventId", T.UINT16),
        param("startTime", T.UTC),
        param("endTime", T.UTC),
        param("numberOfEvents", T.UINT8),
        param("eventOffset", T.UINT16),
      ],
      { response: 0x01 },
    ),
    cmd(
      0x01,
      "clearEventLogRequest",
      [param("logId", T.ENUM8, { enumValues: { 6: "gbcsGeneral", 7: "gbcsSecurity" } })],
      {
        response: 0x02,
      },
    ),
  ],
  commandsResponse: [
    cmd(0x00, "publishEvent", [param("payload", "rest")]),
    cmd(0x01, "publishEventLog", [param("payload", "rest")]),
    cmd(0x02, "clearEventLogResponse", [param("payload", "rest")]),
  ],
});
