/**
 * Events 0x0709 (domain.md §10) and Key Establishment 0x0800 (§11): command ids and the payloads our
 * sources record; the rest of each payload is kept raw (a Buffer). hanbench does not perform CBKE.
 */
import { attr, cmd, defineCluster, param } from "../define.js";
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

const suite = { enumValues: { 1: "suite1", 2: "suite2" } };
const terminate = [
  param("statusCode", T.ENUM8, {
    enumValues: {
      1: "unknownIssuer",
      2: "badKeyConfirm",
      3: "badMessage",
      4: "noResources",
      5: "unsupportedSuite",
      6: "invalidCertificate",
    },
  }),
  param("waitTime", T.UINT8),
  param("keyEstablishmentSuite", T.BITMAP16, suite),
];
const initiate = [
  param("keyEstablishmentSuite", T.BITMAP16, suite),
  param("ephemeralDataGenerateTime", T.UINT8),
  param("confirmKeyGenerateTime", T.UINT8),
  // 48 bytes (suite 1) or 74 bytes (suite 2).
  param("identity", "rest"),
];

export const keyEstablishment = defineCluster({
  id: 0x0800,
  name: "seKeyEstablishment",
  aliases: ["keyEstablishment"],
  attributes: [attr(0x0000, "keyEstablishmentSuite", T.ENUM16, { required: true, ...suite })],
  commands: [
    cmd(0x00, "initiateKeyEstablishmentRequest", initiate, { response: 0x00 }),
    cmd(0x01, "ephemeralDataRequest", [param("ephemeralData", "rest")], { response: 0x01 }),
    cmd(0x02, "confirmKeyDataRequest", [param("secureMessageAuthenticationCode", "rest")], { response: 0x02 }),
    cmd(0x03, "terminateKeyEstablishment", terminate),
  ],
  commandsResponse: [
    cmd(0x00, "initiateKeyEstablishmentResponse", initiate),
    cmd(0x01, "ephemeralDataResponse", [param("ephemeralData", "rest")]),
    cmd(0x02, "confirmKeyDataResponse", [param("secureMessageAuthenticationCode", "rest")]),
    cmd(0x03, "terminateKeyEstablishment", terminate),
  ],
});
