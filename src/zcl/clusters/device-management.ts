/** Device Management 0x0708 (domain.md §3; ami.xml, Wireshark, ZBOSS and Exegin agree on the ids). */
import { EVENT_CONFIGURATION, EVENT_CONFIGURATION_FIELDS, PTCC, PTCC_FIELDS } from "../bits.js";
import { attr, attributeReportingStatus, cmd, defineCluster, param } from "../define.js";
import { DataType as T } from "../types.js";

const tariffType = { enumValues: { 0: "delivered", 1: "received", 2: "deliveredAndReceived" } };
const changeControl = { bits: PTCC, fields: PTCC_FIELDS };
const eventConfiguration = { bits: EVENT_CONFIGURATION, fields: EVENT_CONFIGURATION_FIELDS };

/** Client event-configuration attributes named in the sources (each a bitmap8 EventConfiguration). */
const eventConfigurationAttributes = [
  [0x0289, "profileClearedEventConfiguration"],
  [0x06c0, "publishCotReceivedEventConfiguration"],
  [0x06c1, "publishCotActionedEventConfiguration"],
  [0x06c2, "publishCotCancelledEventConfiguration"],
  [0x06c3, "publishCotRejectedEventConfiguration"],
  [0x06c4, "publishCosReceivedEventConfiguration"],
  [0x06c5, "publishCosActionedEventConfiguration"],
  [0x06c6, "publishCosCancelledEventConfiguration"],
  [0x06c7, "publishCosRejectedEventConfiguration"],
] as const;

export const deviceManagement = defineCluster({
  id: 0x0708,
  name: "seDeviceManagement",
  aliases: ["deviceManagement"],
  attributes: [
    // Supplier Control
    attr(0x0100, "providerId", T.UINT32),
    attr(0x0101, "providerName", T.OCTET_STR, { maxLen: 16 }),
    attr(0x0102, "providerContactDetails", T.OCTET_STR, { maxLen: 19 }),
    attr(0x0110, "proposedProviderId", T.UINT32),
    attr(0x0111, "proposedProviderName", T.OCTET_STR, { maxLen: 16 }),
    attr(0x0112, "proposedProviderChangeDateTime", T.UTC),
    attr(0x0113, "proposedProviderChangeControl", T.BITMAP32, changeControl),
    attr(0x0114, "proposedProviderContactDetails", T.OCTET_STR, { maxLen: 19 }),
    attr(0x0120, "receivedProviderId", T.UINT32),
    attr(0x0121, "receivedProviderName", T.OCTET_STR, { maxLen: 16 }),
    attr(0x0122, "receivedProviderContactDetails", T.OCTET_STR, { maxLen: 19 }),
    attr(0x0130, "receivedProposedProviderId", T.UINT32),
    attr(0x0131, "receivedProposedProviderName", T.OCTET_STR, { maxLen: 16 }),
    attr(0x0132, "receivedProposedProviderChangeDateTime", T.UTC),
    attr(0x0133, "receivedProposedProviderChangeControl", T.BITMAP32, changeControl),
    attr(0x0134, "receivedProposedProviderContactDetails", T.OCTET_STR, { maxLen: 19 }),
    // Tenancy Control
    attr(0x0200, "changeOfTenancyUpdateDateTime", T.UTC, { special: { 4294967295: "no CoT / invalid" } }),
    attr(0x0201, "proposedTenancyChangeControl", T.BITMAP32, changeControl),
    // Backhaul Control
    attr(0x0300, "wanStatus", T.ENUM8, { enumValues: { 0: "notAvailable", 1: "available" } }),
    // HAN Control
    attr(0x0400, "lowMediumThreshold", T.UINT32),
    attr(0x0401, "mediumHighThreshold", T.UINT32),
    attributeReportingStatus(),
    // Client side
    attr(0x0000, "clientProviderId", T.UINT32, { client: true }),
    attr(0x0010, "clientReceivedProviderId", T.UINT32, { client: true }),
    ...eventConfigurationAttributes.map(([id, name]) =>
      attr(id, name, T.BITMAP8, { client: true, writable: true, ...eventConfiguration }),
    ),
  ],
  commands: [
    cmd(0x00, "getChangeOfTenancy", [], { response: 0x00 }),
    cmd(0x01, "getChangeOfSupplier", [], { response: 0x01 }),
    cmd(
      0x02,
      "requestNewPassword",
      [
        param("passwordType", T.ENUM8, {
          enumValues: { 1: "serviceMenu", 2: "consumerMenu", 3: "passwordType3", 4: "passwordType4" },
        }),
      ],
      { response: 0x02 },
    ),
    cmd(0x03, "getSiteId", [], { response: 0x03 }),
    cmd(0x04, "reportEventConfiguration", [
      param("commandIndex", T.UINT8),
      param("totalCommands", T.UINT8),
      param("events", "records", {
        record: [param("eventId", T.UINT16), param("eventConfiguration", T.BITMAP8, eventConfiguration)],
      }),
    ]),
    cmd(0x05, "getCin", [], { response: 0x06 }),
  ],
  commandsResponse: [
    cmd(0x00, "publishChangeOfTenancy", [
      param("providerId", T.UINT32),
      param("issuerEventId", T.UINT32),
      param("tariffType", T.ENUM8, tariffType),
      param("implementationDateTime", T.UTC, { special: { 4294967295: "no CoT / invalid" } }),
      param("proposedTenancyChangeControl", T.BITMAP32, changeControl),
    ]),
    cmd(0x01, "publishChangeOfSupplier", [
      param("currentProviderId", T.UINT32),
      param("issuerEventId", T.UINT32),
      param("tariffType", T.ENUM8, tariffType),
      param("proposedProviderId", T.UINT32),
      param("providerChangeImplementationTime", T.UTC),
      param("providerChangeControl", T.BITMAP32, changeControl),
      param("proposedProviderName", T.OCTET_STR, { maxLen: 16 }),
      param("proposedProviderContactDetails", T.OCTET_STR, { maxLen: 19 }),
    ]),
    cmd(0x02, "requestNewPasswordResponse", [
      param("issuerEventId", T.UINT32),
      param("implementationDateTime", T.UTC),
      param("durationInMinutes", T.UINT16),
      param("passwordType", T.ENUM8),
      param("password", T.OCTET_STR, { maxLen: 10 }),
    ]),
    cmd(0x03, "updateSiteId", [
      param("issuerEventId", T.UINT32),
      param("siteIdTime", T.UTC),
      param("providerId", T.UINT32),
      param("siteId", T.OCTET_STR, { maxLen: 32 }),
    ]),
    cmd(0x04, "setEventConfiguration", [
      param("issuerEventId", T.UINT32),
      param("startDateTime", T.UTC),
      param("eventConfiguration", T.BITMAP8, eventConfiguration),
      param("configurationControl", T.ENUM8, {
        enumValues: { 0: "applyByList", 1: "applyByEventGroup", 2: "applyByLogType", 3: "applyByConfigurationMatch" },
      }),
      param("numberOfEvents", T.UINT8, { when: { field: "configurationControl", equals: 0 } }),
      param("eventIds", "list", {
        of: T.UINT16,
        countField: "numberOfEvents",
        when: { field: "configurationControl", equals: 0 },
      }),
      param("eventGroupId", T.UINT16, { when: { field: "configurationControl", equals: 1 } }),
      param("logId", T.ENUM8, { when: { field: "configurationControl", equals: 2 } }),
      param("configurationValueMatch", T.UINT8, { when: { field: "configurationControl", equals: 3 } }),
    ]),
    cmd(0x05, "getEventConfiguration", [param("eventId", T.UINT16)]),
    cmd(0x06, "updateCin", [
      param("issuerEventId", T.UINT32),
      param("implementationTime", T.UTC),
      param("providerId", T.UINT32),
      param("customerIdNumber", T.OCTET_STR, { maxLen: 24 }),
    ]),
  ],
});
