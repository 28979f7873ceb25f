/**
 * What the Key Establishment state machines (ke-responder.ts, ke-initiator.ts) share: the messages, in the
 * shape src/zcl decodes the cluster 0x0800 commands to (command name and payload field names are the
 * cluster definition's), the Terminate statuses, the configuration of one side, the checks of a partner's
 * certificate, and the result.
 *
 * Time: the machines have no timers. Each step says by when the partner's next message is due (`deadline`,
 * ms on the caller's clock: the partner's generate time from its Initiate message plus a transmission
 * allowance); the caller enforces it and calls `expire(now)` when it passes.
 */
import { createHash } from "node:crypto";
import { parseCertificate, type ImplicitCertificate, unfitForKeyAgreement } from "./cert.js";
import { type CurvePoint, type EphemeralKey, ephemeralKey, ephemeralKeyFrom } from "./cbke.js";
import { type RandomSource, systemRandom } from "./scalar.js";
import type { CbkeSuite } from "./suite.js";

/** Terminate Key Establishment status codes (cbke.md §1). */
export const KeStatus = {
  UNKNOWN_ISSUER: 0x01,
  BAD_KEY_CONFIRM: 0x02,
  BAD_MESSAGE: 0x03,
  NO_RESOURCES: 0x04,
  UNSUPPORTED_SUITE: 0x05,
  INVALID_CERTIFICATE: 0x06,
} as const;

export type KeStatusCode = (typeof KeStatus)[keyof typeof KeStatus];

export function keStatusName(code: number): string {
  for (const [name, v] of Object.entries(KeStatus)) if (v === code) return name;
  return `0x${code.toString(16).padStart(2, "0")}`;
}

export interface InitiatePayload {
  keyEstablishmentSuite: number;
  ephemeralDataGenerateTime: number;
  confirmKeyGenerateTime: number;
  identity: Buffer;
}

export interface TerminatePayload {
  statusCode: number;
  waitTime: number;
  keyEstablishmentSuite: number;
}

/** A Key Establishment command either way, as src/zcl names it and its payload. */
export type KeMessage =
  | { command: "initiateKeyEstablishmentRequest" | "initiateKeyEstablishmentResponse"; payload: InitiatePayload }
  | { command: "ephemeralDataRequest" | "ephemeralDataResponse"; payload: { ephemeralData: Buffer } }
  | {
      command: "confirmKeyDataRequest" | "confirmKeyDataResponse";
      payload: { secureMessageAuthenticationCode: Buffer };
    }
  | { command: "terminateKeyEstablishment"; payload: TerminatePayload };

/** A CA this side trusts: its issuer id (8 octets) and public key, for one suite. */
export interface TrustedCa {
  suite: CbkeSuite;
  issuer: Uint8Array;
  publicKey: CurvePoint;
}

/** This side's credentials for one suite. */
export interface OwnCredentials {
  suite: CbkeSuite;
  cert: Uint8Array;
  privateKey: bigint;
}

export interface KeConfig {
  /** This device's EUI-64, 8 octets big-endian. */
  ieee: Uint8Array;
  /** Certificates and keys, one per suite this side supports (GB mode: suite 2 only). */
  credentials: readonly OwnCredentials[];
  /** The CAs whose certificates this side accepts. */
  trusted: readonly TrustedCa[];
  /** Seconds this side announces for producing its ephemeral data / its confirm message. Default 10 / 10. */
  ephemeralDataGenerateTime?: number;
  confirmKeyGenerateTime?: number;
  /** Added to the partner's announced times for the wire (default 2000 ms, the recommended ≥ 2 s). */
  transmissionAllowanceMs?: number;
  /** WaitTime this side puts in its Terminate messages (seconds, default 30). */
  terminateWaitTime?: number;
  random?: RandomSource;
  /**
   * Where ephemeral private keys come from, when not random scalars from `random`: a replay of recorded
   * values (the Annex vectors, whose suite-2 r_V is not even reduced mod n).
   */
  ephemeralPrivate?: (suite: CbkeSuite) => bigint;
}

/** A fresh ephemeral key pair for `suite` as `cfg` says to draw it. */
export function newEphemeral(cfg: KeConfig, suite: CbkeSuite): EphemeralKey {
  return cfg.ephemeralPrivate
    ? ephemeralKeyFrom(suite, cfg.ephemeralPrivate(suite))
    : ephemeralKey(suite, cfg.random ?? systemRandom);
}

/** The outcome of a completed exchange. `linkKey` is key material: never log it or put it in evidence. */
export interface KeResult {
  suite: 1 | 2;
  /** The partner's EUI-64, `0x` + 16 hex digits. */
  partner: string;
  /** KeyData: the new 16-octet APS link key with the partner. */
  linkKey: Buffer;
  /** A one-way fingerprint of the link key (16 hex digits), for evidence and reports. */
  keyFingerprint: string;
}

export type KeState = "idle" | "awaitInitiateResponse" | "awaitEphemeral" | "awaitConfirm" | "done" | "failed";

/** Why an exchange ended without a key. */
export interface KeFailure {
  /** Who ended it: this side (it sent Terminate, or timed out) or the partner (it sent Terminate). */
  by: "self" | "partner";
  /** Terminate status (absent for a timeout). */
  status?: number;
  /** The partner's WaitTime (seconds) when it terminated. */
  waitTime?: number;
  /** One line for evidence (never key material). */
  reason: string;
}

export interface KeStep {
  state: KeState;
  /** What to send the partner now, if anything. */
  send?: KeMessage;
  /** By when (caller's clock, ms) the partner's next message is due; absent when none is awaited. */
  deadline?: number;
  result?: KeResult;
  failure?: KeFailure;
}

/**
 * A Terminate Key Establishment from this side: `status`, this side's WaitTime and its supported suites. The
 * machines send it on their own failures; the hub sends it itself with NO_RESOURCES to a device that starts
 * an exchange while it has no room for another (its limit on exchanges at once).
 */
export function terminateMessage(cfg: KeConfig, status: number): KeMessage {
  return {
    command: "terminateKeyEstablishment",
    payload: {
      statusCode: status,
      waitTime: u8Seconds(cfg.terminateWaitTime, 30),
      keyEstablishmentSuite: supportedSuites(cfg),
    },
  };
}

/** The fingerprint of a link key: the first 8 octets of SHA-256("hanbench link key" ‖ key), hex. */
export function keyFingerprint(key: Uint8Array): string {
  return createHash("sha256").update("hanbench link key").update(key).digest().subarray(0, 8).toString("hex");
}

/** The bitmap of suites a configuration supports. */
export function supportedSuites(cfg: KeConfig): number {
  return cfg.credentials.reduce((acc, c) => acc | c.suite.id, 0);
}

/** The number of bits set in a 16-bit value. */
export function bitCount(v: number): number {
  let n = 0;
  for (let x = v & 0xffff; x; x &= x - 1) n++;
  return n;
}

export type CertCheck =
  | { ok: true; cert: ImplicitCertificate; ca: TrustedCa }
  | { ok: false; status: KeStatusCode; reason: string };

/**
 * The checks before proceeding (cbke.md §1): the right length for the suite (else BAD_MESSAGE), subject =
 * the partner's EUI-64 (else INVALID_CERTIFICATE), a known issuer (else UNKNOWN_ISSUER), type, curve, hash and
 * key usage (else INVALID_CERTIFICATE).
 */
export function checkPartnerCertificate(
  suite: CbkeSuite,
  identity: Uint8Array,
  partnerIeee: Uint8Array,
  trusted: readonly TrustedCa[],
): CertCheck {
  if (identity.length !== suite.certBytes) {
    return {
      ok: false,
      status: KeStatus.BAD_MESSAGE,
      reason: `a ${suite.name} certificate is ${suite.certBytes} octets, got ${identity.length}`,
    };
  }
  const cert = parseCertificate(identity);
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  if (!cert.subject.equals(partnerIeee)) {
    return {
      ok: false,
      status: KeStatus.INVALID_CERTIFICATE,
      reason: `certificate subject 0x${hex(cert.subject)} is not the partner 0x${hex(partnerIeee)}`,
    };
  }
  const ca = trusted.find((t) => t.suite === suite && Buffer.from(t.issuer).equals(cert.issuer));
  if (!ca) {
    return { ok: false, status: KeStatus.UNKNOWN_ISSUER, reason: `unknown certificate issuer 0x${hex(cert.issuer)}` };
  }
  const unfit = unfitForKeyAgreement(cert);
  if (unfit) return { ok: false, status: KeStatus.INVALID_CERTIFICATE, reason: `certificate ${unfit}` };
  return { ok: true, cert, ca };
}

/** Seconds as the u8 the time fields carry (clamped). */
export function u8Seconds(v: number | undefined, fallback: number): number {
  return Math.max(0, Math.min(255, Math.round(v ?? fallback)));
}
