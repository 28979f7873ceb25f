/**
 * Smart Energy implicit certificates (cbke.md §3) and the credential files labs receive.
 *
 * Layouts: suite 2 — 74 octets: type, serial, curve, hash, issuer, ValidFrom (40-bit Unix time), ValidTo
 * (seconds after ValidFrom, FFFFFFFF none), subject (EUI-64), key usage, reconstruction point (37);
 * suite 1 — 48 octets: reconstruction point (22), subject, issuer, profile attribute data (10).
 *
 * The Certicom text format: labelled hex values, each label on its own line with the value on the same line
 * or the lines after it — `CA Pub Key:`, `Device Implicit Cert:`, `Private Key Reconstruction Data:` (which,
 * in these files, is the device's static private key itself), optionally `Device Public Key:`. A file of
 * plain hex is a certificate alone. hanbench's own test CA file adds `CA Private Key:` and `CA Issuer:`.
 */
import type { CbkeSuite } from "./suite.js";
import { SUITE1, SUITE2, suiteForCertificate } from "./suite.js";

/** Input that is not a certificate or a credential file: the message is one line. */
export class CertificateError extends Error {
  override name = "CertificateError";
}

/** Suite-2 field values the KE checks (cbke.md §1 "Checks before proceeding"). */
export const CERT_TYPE_IMPLICIT = 0x00;
export const CURVE_SECT283K1 = 0x0d;
export const HASH_AES_MMO = 0x08;
export const KEY_USAGE_KEY_AGREEMENT = 0x08;
export const KEY_USAGE_DIGITAL_SIGNATURE = 0x80;
export const VALID_TO_NO_EXPIRY = 0xffffffff;

interface CommonFields {
  /** The certificate as carried, all of it. */
  raw: Buffer;
  suite: CbkeSuite;
  /** 8 octets. */
  issuer: Buffer;
  /** The device's EUI-64, 8 octets big-endian. */
  subject: Buffer;
  /** The public-key reconstruction point, compressed. */
  reconstruction: Buffer;
}

export interface Suite2Certificate extends CommonFields {
  kind: "suite2";
  type: number;
  serial: Buffer;
  curve: number;
  hash: number;
  /** Seconds since 1970 (40 bits). */
  validFrom: number;
  /** Seconds after validFrom; 0xFFFFFFFF: no expiry. */
  validTo: number;
  keyUsage: number;
}

export interface Suite1Certificate extends CommonFields {
  kind: "suite1";
  /** Profile attribute data, 10 octets (01 09 = the SE profile, then issuer-defined). */
  profileData: Buffer;
}

export type ImplicitCertificate = Suite2Certificate | Suite1Certificate;

/** Parses a 74-octet (suite 2) or 48-octet (suite 1) implicit certificate into its fields. */
export function parseCertificate(bytes: Uint8Array): ImplicitCertificate {
  const raw = Buffer.from(bytes);
  const suite = suiteForCertificate(raw);
  if (!suite) {
    throw new CertificateError(
      `a certificate is ${SUITE2.certBytes} octets (suite 2) or ${SUITE1.certBytes} (suite 1), not ${raw.length}`,
    );
  }
  if (suite === SUITE1) {
    return {
      kind: "suite1",
      raw,
      suite,
      reconstruction: raw.subarray(0, 22),
      subject: raw.subarray(22, 30),
      issuer: raw.subarray(30, 38),
      profileData: raw.subarray(38, 48),
    };
  }
  return {
    kind: "suite2",
    raw,
    suite,
    type: raw[0]!,
    serial: raw.subarray(1, 9),
    curve: raw[9]!,
    hash: raw[10]!,
    issuer: raw.subarray(11, 19),
    validFrom: raw.readUIntBE(19, 5),
    validTo: raw.readUInt32BE(24),
    subject: raw.subarray(28, 36),
    keyUsage: raw[36]!,
    reconstruction: raw.subarray(37, 74),
  };
}

export interface Suite2Layout {
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  validFrom: number;
  validTo?: number;
  keyUsage?: number;
}

/** Lays out a suite-2 certificate around a reconstruction point (type implicit, sect283k1, AES-MMO). */
export function encodeSuite2Certificate(f: Suite2Layout, reconstruction: Uint8Array): Buffer {
  const out = Buffer.alloc(SUITE2.certBytes);
  out[0] = CERT_TYPE_IMPLICIT;
  put(out, 1, f.serial, 8, "serial");
  out[9] = CURVE_SECT283K1;
  out[10] = HASH_AES_MMO;
  put(out, 11, f.issuer, 8, "issuer");
  if (!Number.isInteger(f.validFrom) || f.validFrom < 0 || f.validFrom >= 2 ** 40) {
    throw new CertificateError("validFrom must be a 40-bit count of seconds since 1970");
  }
  out.writeUIntBE(f.validFrom, 19, 5);
  out.writeUInt32BE(f.validTo ?? VALID_TO_NO_EXPIRY, 24);
  put(out, 28, f.subject, 8, "subject");
  out[36] = f.keyUsage ?? KEY_USAGE_KEY_AGREEMENT | KEY_USAGE_DIGITAL_SIGNATURE;
  put(out, 37, reconstruction, 37, "reconstruction point");
  return out;
}

export interface Suite1Layout {
  issuer: Uint8Array;
  subject: Uint8Array;
  /** 10 octets; default 01 09 (SE profile) and zeros. */
  profileData?: Uint8Array;
}

export function encodeSuite1Certificate(f: Suite1Layout, reconstruction: Uint8Array): Buffer {
  const out = Buffer.alloc(SUITE1.certBytes);
  put(out, 0, reconstruction, 22, "reconstruction point");
  put(out, 22, f.subject, 8, "subject");
  put(out, 30, f.issuer, 8, "issuer");
  put(out, 38, f.profileData ?? Buffer.from("01090000000000000000", "hex"), 10, "profile data");
  return out;
}

function put(out: Buffer, at: number, value: Uint8Array, len: number, what: string): void {
  if (value.length !== len) throw new CertificateError(`${what} is ${len} octets, not ${value.length}`);
  out.set(value, at);
}

/** Why a suite-2 certificate is not fit for key agreement (type, curve, hash, key usage), or undefined. */
export function unfitForKeyAgreement(cert: ImplicitCertificate): string | undefined {
  if (cert.kind === "suite1") return undefined;
  const h = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
  if (cert.type !== CERT_TYPE_IMPLICIT) return `type ${h(cert.type)} (implicit is 0x00)`;
  if (cert.curve !== CURVE_SECT283K1) return `curve ${h(cert.curve)} (sect283k1 is 0x0d)`;
  if (cert.hash !== HASH_AES_MMO) return `hash ${h(cert.hash)} (AES-MMO is 0x08)`;
  if (!(cert.keyUsage & KEY_USAGE_KEY_AGREEMENT)) return `key usage ${h(cert.keyUsage)} lacks key agreement (0x08)`;
  return undefined;
}

/** The EUI-64 of 8 big-endian octets as hanbench writes it: `0x` and 16 lower-case hex digits. */
export function eui64Text(octets: Uint8Array): string {
  return `0x${Buffer.from(octets).toString("hex")}`;
}

/** What a credential file holds; every value as octets. */
export interface Credentials {
  cert: Buffer;
  caPublic?: Buffer;
  /** The device's static private key ("Private Key Reconstruction Data"). */
  privateKey?: Buffer;
  /** The "Device Public Key" the file states. */
  publicKey?: Buffer;
  /** A hanbench test CA file: its private key and issuer id. */
  caPrivate?: Buffer;
  issuer?: Buffer;
}

const LABELS: Readonly<Record<string, keyof Credentials>> = {
  "ca pub key": "caPublic",
  "ca public key": "caPublic",
  "device implicit cert": "cert",
  "private key reconstruction data": "privateKey",
  "device public key": "publicKey",
  "ca private key": "caPrivate",
  "ca issuer": "issuer",
};

/** Hex with optional spaces, colons, `0x` prefixes; a CertificateError naming `what` otherwise. */
export function parseHex(text: string, what: string): Buffer {
  const cleaned = text.replace(/0x/gi, "").replace(/[\s:.-]/g, "");
  if (cleaned.length === 0) throw new CertificateError(`${what} is empty`);
  const bad = cleaned.search(/[^0-9a-f]/i);
  if (bad >= 0) throw new CertificateError(`${what} has a character that is not a hex digit ('${cleaned[bad]}')`);
  if (cleaned.length % 2 !== 0) throw new CertificateError(`${what} has an odd number of hex digits`);
  return Buffer.from(cleaned, "hex");
}

/**
 * Reads a Certicom-format credential file (labels as above, case-insensitive, in any order) or plain hex (a
 * certificate alone). A file with labels but no certificate (a CA file) has an empty `cert`.
 */
export function parseCredentials(text: string): Credentials {
  const lines = text.split(/\r?\n/);
  const values = new Map<keyof Credentials, string>();
  let current: keyof Credentials | undefined;
  let sawLabel = false;
  for (const [i, line] of lines.entries()) {
    const m = /^\s*([A-Za-z][A-Za-z ]*?)\s*:(.*)$/.exec(line);
    if (m) {
      const key = LABELS[m[1]!.toLowerCase()];
      if (!key) throw new CertificateError(`line ${i + 1}: unknown label '${m[1]}'`);
      if (values.has(key)) throw new CertificateError(`line ${i + 1}: '${m[1]}' given twice`);
      sawLabel = true;
      current = key;
      values.set(key, m[2]!);
    } else if (line.trim() !== "") {
      if (sawLabel && current === undefined) throw new CertificateError(`line ${i + 1}: a value without a label`);
      if (current) values.set(current, `${values.get(current)} ${line}`);
      else values.set("cert", `${values.get("cert") ?? ""} ${line}`);
    }
  }
  if (!sawLabel && !values.has("cert")) throw new CertificateError("the file is empty");
  const out: Credentials = { cert: Buffer.alloc(0) };
  const names: Record<keyof Credentials, string> = {
    cert: "Device Implicit Cert",
    caPublic: "CA Pub Key",
    privateKey: "Private Key Reconstruction Data",
    publicKey: "Device Public Key",
    caPrivate: "CA Private Key",
    issuer: "CA Issuer",
  };
  for (const [key, value] of values) out[key] = parseHex(value, sawLabel ? names[key] : "the certificate");
  return out;
}

/** The Certicom text of a device's credentials (what `hanbench cert issue` writes; mode 0600). */
export function formatCredentials(c: {
  caPublic: Uint8Array;
  cert: Uint8Array;
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}): string {
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  return [
    "CA Pub Key:",
    hex(c.caPublic),
    "Device Implicit Cert:",
    hex(c.cert),
    "Private Key Reconstruction Data:",
    hex(c.privateKey),
    "Device Public Key:",
    hex(c.publicKey),
    "",
  ].join("\n");
}

/** A hanbench test CA file: its public key, private key and issuer id. */
export function formatCaFile(c: { caPublic: Uint8Array; caPrivate: Uint8Array; issuer: Uint8Array }): string {
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  return ["CA Pub Key:", hex(c.caPublic), "CA Private Key:", hex(c.caPrivate), "CA Issuer:", hex(c.issuer), ""].join(
    "\n",
  );
}
