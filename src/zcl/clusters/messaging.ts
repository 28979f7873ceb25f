/** Messaging 0x0703 (domain.md §6). ExtendedMessageControl is optional: the GB GCS07 vector has none. */
import { MESSAGE_CONTROL, MESSAGE_CONTROL_FIELDS } from "../bits.js";
import { attributeReportingStatus, cmd, defineCluster, param } from "../define.js";
import { DataType as T, type ParamDef } from "../types.js";

const messageControl = { bits: MESSAGE_CONTROL, fields: MESSAGE_CONTROL_FIELDS };

const displayMessageParams: ParamDef[] = [
  param("messageId", T.UINT32),
  param("messageControl", T.BITMAP8, messageControl),
  param("startTime", T.UTC, { special: { 0: "now" } }),
  param("durationInMinutes", T.UINT16, { special: { 65535: "untilChanged" } }),
  param("message", T.CHAR_STR),
  param("extendedMessageControl", T.BITMAP8, { optional: true, bits: { messageConfirmed: 0x01 } }),
];

export const messaging = defineCluster({
  id: 0x0703,
  name: "seMessaging",
  aliases: ["messaging"],
  attributes: [attributeReportingStatus()],
  commands: [
    cmd(0x00, "getLastMessage", [], { response: 0x00 }),
    cmd(0x01, "messageConfirmation", [
      param("messageId", T.UINT32),
      param("confirmationTime", T.UTC),
      param("messageConfirmationControl", T.BITMAP8, { optional: true, bits: { noReturned: 0x01, yesReturned: 0x02 } }),
      param("messageResponse", T.OCTET_STR, { optional: true, maxLen: 20 }),
    ]),
    cmd(0x02, "getMessageCancellation", [param("earliestImplementationTime", T.UTC)], { response: 0x03 }),
  ],
  commandsResponse: [
    cmd(0x00, "displayMessage", displayMessageParams),
    cmd(0x01, "cancelMessage", [param("messageId", T.UINT32), param("messageControl", T.BITMAP8, messageControl)]),
    cmd(0x02, "displayProtectedMessage", displayMessageParams),
    cmd(0x03, "cancelAllMessages", [param("implementationDateTime", T.UTC, { special: { 0: "now" } })]),
  ],
});
