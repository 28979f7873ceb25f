/**
 * Key Establishment 0x0800 (domain.md §11; the CBKE exchange of cbke.md §1): the KeyEstablishmentSuite
 * attribute on both sides and the four commands each way, with the same ids in both directions.
 *
 * | id | client → server (initiator U) | server → client (responder V) |
 * |---|---|---|
 * | 0x00 | Initiate Key Establishment Request | Initiate Key Establishment Response |
 * | 0x01 | Ephemeral Data Request (QEU) | Ephemeral Data Response (QEV) |
 * | 0x02 | Confirm Key Data Request (MACU) | Confirm Key Data Response (MACV) |
 * | 0x03 | Terminate Key Establishment | Terminate Key Establishment |
 *
 * The octet-string fields have no length prefix: their size follows from the suite (certificate 48 or 74
 * octets, point 22 or 37, MAC 16), so each is the rest of its frame, kept raw; src/crypto checks the sizes.
 * The frames go with NWK security only (not APS-encrypted).
 */
import { attr, cmd, defineCluster, param } from "../define.js";
import { DataType as T } from "../types.js";

/** KeyEstablishmentSuite values: a bit per suite (an enum16 used as a bitmap). */
export const KE_SUITE = { suite1: 0x0001, suite2: 0x0002 } as const;

const suiteBits = { bits: KE_SUITE };

/** Terminate Key Establishment status codes. */
export const KE_TERMINATE_STATUS = {
  1: "unknownIssuer",
  2: "badKeyConfirm",
  3: "badMessage",
  4: "noResources",
  5: "unsupportedSuite",
  6: "invalidCertificate",
} as const;

const terminate = [
  param("statusCode", T.ENUM8, { enumValues: KE_TERMINATE_STATUS }),
  // seconds the receiver should wait before trying again
  param("waitTime", T.UINT8),
  // the sender's supported suites
  param("keyEstablishmentSuite", T.BITMAP16, suiteBits),
];

const initiate = [
  // one suite bit: the suite of this exchange
  param("keyEstablishmentSuite", T.BITMAP16, suiteBits),
  // seconds the sender needs to produce its Ephemeral Data / Confirm Key Data message
  param("ephemeralDataGenerateTime", T.UINT8),
  param("confirmKeyGenerateTime", T.UINT8),
  // the sender's implicit certificate: 48 octets (suite 1) or 74 (suite 2)
  param("identity", "rest"),
];

// a compressed point: 22 octets (suite 1) or 37 (suite 2)
const ephemeral = [param("ephemeralData", "rest")];
// 16 octets
const mac = [param("secureMessageAuthenticationCode", "rest")];

export const keyEstablishment = defineCluster({
  id: 0x0800,
  name: "seKeyEstablishment",
  aliases: ["keyEstablishment"],
  attributes: [
    attr(0x0000, "keyEstablishmentSuite", T.ENUM16, { required: true, ...suiteBits }),
    attr(0x0000, "clientKeyEstablishmentSuite", T.ENUM16, { client: true, required: true, ...suiteBits }),
  ],
  commands: [
    cmd(0x00, "initiateKeyEstablishmentRequest", initiate, { response: 0x00 }),
    cmd(0x01, "ephemeralDataRequest", ephemeral, { response: 0x01 }),
    cmd(0x02, "confirmKeyDataRequest", mac, { response: 0x02 }),
    cmd(0x03, "terminateKeyEstablishment", terminate),
  ],
  commandsResponse: [
    cmd(0x00, "initiateKeyEstablishmentResponse", initiate),
    cmd(0x01, "ephemeralDataResponse", ephemeral),
    cmd(0x02, "confirmKeyDataResponse", mac),
    cmd(0x03, "terminateKeyEstablishment", terminate),
  ],
});
