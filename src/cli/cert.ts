/**
 * `hanbench cert show|issue`: Smart Energy implicit certificates (CBKE). Wiring only: layouts, the credential
 * file format and the ECQV arithmetic are in src/crypto. Private keys are never printed unless asked
 * (`--show-private`); files holding one are written with mode 0600 and never overwritten.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CurvePoint, issueCertificate, privateKeyBytes, reconstructPublicKey } from "../crypto/cbke.js";
import {
  CertificateError,
  type Credentials,
  encodeSuite1Certificate,
  encodeSuite2Certificate,
  eui64Text,
  formatCaFile,
  formatCredentials,
  type ImplicitCertificate,
  parseCertificate,
  parseCredentials,
  parseHex,
  unfitForKeyAgreement,
  VALID_TO_NO_EXPIRY,
} from "../crypto/cert.js";
import { bytesToBigInt, randomScalar } from "../crypto/scalar.js";
import { type CbkeSuite, SUITE1, SUITE2 } from "../crypto/suite.js";
import { hex as hexNumber, normaliseEui64 } from "../hex.js";
import { parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";
import { SE_PROFILE_ID } from "../zcl/index.js";

const HELP = `hanbench cert — Smart Energy implicit certificates for Certificate-Based Key Establishment (CBKE)

Usage:
  hanbench cert show FILE [--ca HEX]
  hanbench cert issue --out DIR --subject EUI64 [--subject EUI64 …] [options]

A Smart Energy device proves who it is with an implicit (ECQV) certificate from a certification authority:
74 octets for suite 2 (sect283k1, what GB devices use), 48 for suite 1 (sect163k1). The certificate carries
no public key, only "reconstruction data"; the key follows from it and the CA's public key. A lab receives
each device's credentials as Certicom text:

  CA Pub Key:
  0207a445…                      the CA's public key (compressed point)
  Device Implicit Cert:
  000b3ad5…                      the certificate
  Private Key Reconstruction Data:
  0099…                          the device's static private key
  Device Public Key:             (optional)
  0201…                          the public key the certificate reconstructs to

Run 'hanbench cert show --help' or 'hanbench cert issue --help' for details.`;

const SHOW_HELP = `hanbench cert show — print every field of an implicit certificate and check its keys

Usage: hanbench cert show FILE [--ca HEX]

  FILE        a Certicom-format credential file (labels above), or a file of plain hex holding the
              certificate alone (74 or 48 octets; spaces and colons allowed)
  --ca HEX    the CA public key (compressed point, hex), or a file with a 'CA Pub Key:' line; default:
              the file's own 'CA Pub Key'

Prints the suite, type, serial, curve, hash, issuer, validity, subject EUI-64 and key usage (suite 2), or the
subject, issuer and profile data (suite 1); the public key reconstructed with the CA key (ECQV); whether the
stated 'Device Public Key' and the private key match it (the private key itself is never printed); and
whether the certificate is fit for key agreement.

Exit codes: 0 every check holds, 1 a key does not match or the certificate is unfit, 2 bad input.

Example (a Certicom suite-2 test certificate):
  hanbench cert show device.txt
  hanbench cert show cert.hex --ca 0207a445022d9f39f49bdc38380026a27a9e0a1799313ab28c5c1a1c6b605154db1dff6752`;

const ISSUE_HELP = `hanbench cert issue — mint a test CA and device certificates (ECQV issuance)

Usage: hanbench cert issue --out DIR --subject EUI64 [--subject EUI64 …] [options]

For virtual runs and loop-back tests: real devices trust only their own CA, so a certificate minted here
works with hanbench's emulated devices and with devices loaded with this test CA, nothing else.

  --out DIR           where the files go (made if missing); existing files are never overwritten
  --subject EUI64     a device's EUI-64 (00:0d:6f:00:00:00:00:01, 0x000d6f0000000001, …); repeat for more
  --ca FILE           issue from this CA file (written by an earlier 'cert issue'); default: mint a new
                      CA into DIR/ca.txt
  --suite 2|1         2 (sect283k1, 74-octet certificates; default) or 1 (sect163k1, 48 octets)
  --issuer HEX        the new CA's 8-octet issuer id (default 4842544553544341, "HBTESTCA")
  --valid-from ISO    start of validity, suite 2 (default: now)
  --valid-days N      validity in days, suite 2 (default: no expiry)
  --show-private      also print the private keys (they are always in the files)

Writes DIR/ca.txt (a new CA: 'CA Pub Key', 'CA Private Key', 'CA Issuer') and DIR/<eui64>.txt per device in
the Certicom text format 'cert show' reads, each with mode 0600 (they hold private keys). Prints each file
with its subject and public key.

Example:
  hanbench cert issue --out certs --subject 00:0d:6f:00:00:00:00:01 --subject 00:0d:6f:00:00:00:00:02
  hanbench cert show certs/000d6f0000000001.txt`;

const DEFAULT_ISSUER = Buffer.from("HBTESTCA", "latin1");

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Runs `fn`, turning a CertificateError or a RangeError from the arithmetic into a one-line usage error. */
function input<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CertificateError || err instanceof RangeError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}

function decodeCa(suite: CbkeSuite, octets: Buffer, where: string): CurvePoint {
  return input(where, () => suite.curve.decode(octets));
}

function describe(cert: ImplicitCertificate): string[] {
  const h8 = (n: number) => hexNumber(n, 2);
  const rows: [string, string][] = [["certificate", `${cert.suite.name}, ${cert.raw.length} octets`]];
  if (cert.kind === "suite2") {
    const iso = (s: number) => new Date(s * 1000).toISOString().replace(".000Z", "Z");
    const until =
      cert.validTo === VALID_TO_NO_EXPIRY
        ? "no expiry (0xffffffff)"
        : `${iso(cert.validFrom + cert.validTo)} (${cert.validTo} s after valid from)`;
    const usage = [cert.keyUsage & 0x08 ? "key agreement" : "", cert.keyUsage & 0x80 ? "digital signature" : ""]
      .filter(Boolean)
      .join(", ");
    rows.push(
      ["type", `${h8(cert.type)}${cert.type === 0 ? " (implicit, no extensions)" : ""}`],
      ["serial", `0x${hex(cert.serial)}`],
      ["curve", `${h8(cert.curve)}${cert.curve === 0x0d ? " (sect283k1)" : ""}`],
      ["hash", `${h8(cert.hash)}${cert.hash === 0x08 ? " (AES-MMO)" : ""}`],
      ["issuer", `0x${hex(cert.issuer)}${printable(cert.issuer)}`],
      ["valid from", `${iso(cert.validFrom)} (${cert.validFrom})`],
      ["valid to", until],
      ["subject", `${eui64Text(cert.subject)} (EUI-64)`],
      ["key usage", `${h8(cert.keyUsage)}${usage ? ` (${usage})` : ""}`],
    );
  } else {
    rows.push(
      ["subject", `${eui64Text(cert.subject)} (EUI-64)`],
      ["issuer", `0x${hex(cert.issuer)}${printable(cert.issuer)}`],
      [
        "profile data",
        `${hex(cert.profileData)}${cert.profileData.readUInt16BE(0) === SE_PROFILE_ID ? " (SE profile)" : ""}`,
      ],
    );
  }
  rows.push(["reconstruction", hex(cert.reconstruction)]);
  return rows.map(([k, v]) => `${k.padEnd(18)} ${v}`);
}

/** ` ("TESTSECA")` when the octets are printable ASCII. */
function printable(b: Buffer): string {
  return /^[\x20-\x7e]+$/.test(b.toString("latin1")) ? ` ("${b.toString("latin1")}")` : "";
}

async function show(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      options: { ca: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    },
    "See 'hanbench cert show --help'.",
  );
  if (values.help) {
    process.stdout.write(`${SHOW_HELP}\n`);
    return Exit.ok;
  }
  if (positionals.length !== 1) throw new UsageError("give one certificate file. See 'hanbench cert show --help'.");
  const file = positionals[0]!;
  const creds = input(file, () => parseCredentials(readText(file, "certificate file")));
  if (creds.cert.length === 0) throw new UsageError(`${file}: no 'Device Implicit Cert' in the file`);
  const cert = input(file, () => parseCertificate(creds.cert));
  const suite = cert.suite;
  const c = suite.curve;
  let caOctets = creds.caPublic;
  let caFrom = "from the file";
  if (values.ca !== undefined) {
    const given = values.ca;
    // a file of that name first ("ca" or "cafe" are hex too), else the key in hex
    caOctets = existsSync(given)
      ? input(given, () => parseCredentials(readText(given, "CA file")).caPublic)
      : input("--ca", () => parseHex(given, "--ca"));
    if (!caOctets) throw new UsageError(`--ca ${given}: no 'CA Pub Key' in the file`);
    caFrom = "from --ca";
  }
  const lines = describe(cert);
  let ok = true;
  const row = (k: string, v: string) => lines.push(`${k.padEnd(18)} ${v}`);
  const unfit = unfitForKeyAgreement(cert);
  let reconstructed: CurvePoint | undefined;
  if (caOctets) {
    const ca = decodeCa(suite, caOctets, "the CA public key");
    row("CA public key", `${hex(caOctets)} (${caFrom})`);
    reconstructed = input(file, () => reconstructPublicKey(suite, cert.raw, ca));
    row("public key", `${hex(c.compress(reconstructed))} (reconstructed, ECQV)`);
  } else {
    row("public key", "not reconstructed: no CA public key (give --ca HEX)");
  }
  if (creds.publicKey) {
    const stated = input("Device Public Key", () => c.decode(creds.publicKey!));
    const same = reconstructed ? c.equals(stated, reconstructed) : undefined;
    if (same === false) ok = false;
    row(
      "stated public key",
      same === undefined
        ? hex(creds.publicKey)
        : same
          ? "matches the reconstructed key"
          : `${hex(creds.publicKey)}: DOES NOT match the reconstructed key`,
    );
  }
  if (creds.privateKey) {
    if (creds.privateKey.length !== suite.keyBytes) {
      throw new UsageError(
        `${file}: a ${suite.name} private key is ${suite.keyBytes} octets, not ${creds.privateKey.length}`,
      );
    }
    const d = bytesToBigInt(creds.privateKey);
    if (d === 0n || d >= c.n) throw new UsageError(`${file}: the private key is not in [1, n-1] for ${c.name}`);
    const dG = c.mulG(d)!;
    const against = reconstructed ?? (creds.publicKey ? c.decode(creds.publicKey) : undefined);
    if (against === undefined) row("private key", "present (not shown); nothing to check it against without a CA key");
    else if (c.equals(dG, against)) row("private key", "present (not shown), matches the public key");
    else {
      ok = false;
      row("private key", "present (not shown), DOES NOT match the public key");
    }
  }
  if (unfit) ok = false;
  row("fit for CBKE", unfit ? `no: ${unfit}` : "yes");
  process.stdout.write(`${lines.join("\n")}\n`);
  return ok ? Exit.ok : Exit.failed;
}

function writeNew(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new UsageError(`${path} exists; not overwritten (choose another --out or remove it)`);
    throw new UsageError(`cannot write ${path}: ${code ?? (err as Error).message}`);
  }
}

interface Ca {
  suite: CbkeSuite;
  d: bigint;
  Q: CurvePoint;
  issuer: Buffer;
}

function loadCa(path: string, suite: CbkeSuite): Ca {
  const creds: Credentials = input(path, () => parseCredentials(readText(path, "CA file")));
  if (!creds.caPrivate || !creds.caPublic || !creds.issuer) {
    throw new UsageError(`${path}: a CA file needs 'CA Pub Key', 'CA Private Key' and 'CA Issuer'`);
  }
  if (creds.issuer.length !== 8) throw new UsageError(`${path}: 'CA Issuer' is 8 octets, not ${creds.issuer.length}`);
  const Q = decodeCa(suite, creds.caPublic, `${path}: CA Pub Key (for ${suite.name})`);
  const d = bytesToBigInt(creds.caPrivate);
  const dG = d > 0n && d < suite.curve.n ? suite.curve.mulG(d) : null;
  if (!dG || !suite.curve.equals(dG, Q))
    throw new UsageError(`${path}: the CA private key does not match 'CA Pub Key'`);
  return { suite, d, Q, issuer: creds.issuer };
}

function validFromOf(text: string | undefined): number {
  if (text === undefined) return Math.floor(Date.now() / 1000);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || ms < 0)
    throw new UsageError(`--valid-from: not an ISO date and time (${JSON.stringify(text)})`);
  return Math.floor(ms / 1000);
}

async function issue(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        out: { type: "string" },
        subject: { type: "string", multiple: true },
        ca: { type: "string" },
        suite: { type: "string", default: "2" },
        issuer: { type: "string" },
        "valid-from": { type: "string" },
        "valid-days": { type: "string" },
        "show-private": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    },
    "See 'hanbench cert issue --help'.",
  );
  if (values.help) {
    process.stdout.write(`${ISSUE_HELP}\n`);
    return Exit.ok;
  }
  if (!values.out) throw new UsageError("--out DIR is required. See 'hanbench cert issue --help'.");
  const subjects = (values.subject ?? []).map((s) => {
    try {
      return Buffer.from(normaliseEui64(s).slice(2), "hex");
    } catch {
      throw new UsageError(`--subject ${JSON.stringify(s)}: an EUI-64 is 16 hex digits`);
    }
  });
  if (subjects.length === 0)
    throw new UsageError("give at least one --subject EUI64. See 'hanbench cert issue --help'.");
  const suite = values.suite === "2" ? SUITE2 : values.suite === "1" ? SUITE1 : undefined;
  if (!suite) throw new UsageError(`--suite is 2 or 1, not ${JSON.stringify(values.suite)}`);
  if (values.ca && values.issuer) throw new UsageError("--issuer names a new CA; an existing CA file has its own");
  const validFrom = validFromOf(values["valid-from"]);
  let validTo = VALID_TO_NO_EXPIRY;
  if (values["valid-days"] !== undefined) {
    const days = Number(values["valid-days"]);
    if (!Number.isInteger(days) || days < 1 || days * 86400 >= VALID_TO_NO_EXPIRY) {
      throw new UsageError(
        `--valid-days is a whole number of days from 1, not ${JSON.stringify(values["valid-days"])}`,
      );
    }
    validTo = days * 86400;
  }
  if (suite === SUITE1 && (values["valid-from"] !== undefined || values["valid-days"] !== undefined)) {
    throw new UsageError("suite-1 certificates carry no validity (--valid-from, --valid-days are for suite 2)");
  }
  const dir = values.out;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot make ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const outputs = subjects.map((s) => join(dir, `${hex(s)}.txt`));
  for (const path of outputs) if (existsSync(path)) throw new UsageError(`${path} exists; not overwritten`);
  const showPrivate = values["show-private"];
  const c = suite.curve;
  const out: string[] = [];
  let ca: Ca;
  if (values.ca) {
    ca = loadCa(values.ca, suite);
    out.push(`CA       ${values.ca} (issuer 0x${hex(ca.issuer)}, public key ${hex(c.compress(ca.Q))})`);
  } else {
    const issuer =
      values.issuer === undefined ? DEFAULT_ISSUER : input("--issuer", () => parseHex(values.issuer!, "--issuer"));
    if (issuer.length !== 8) throw new UsageError(`--issuer is 8 octets, not ${issuer.length}`);
    const d = randomScalar(c.n);
    ca = { suite, d, Q: c.mulG(d)!, issuer };
    const path = join(dir, "ca.txt");
    writeNew(path, formatCaFile({ caPublic: c.compress(ca.Q), caPrivate: privateKeyBytes(suite, d), issuer }));
    out.push(`CA       ${path} (new, issuer 0x${hex(issuer)}, public key ${hex(c.compress(ca.Q))})`);
    if (showPrivate) out.push(`         private key ${hex(privateKeyBytes(suite, d))}`);
  }
  subjects.forEach((subject, i) => {
    const layout = (p: Buffer) =>
      suite === SUITE2
        ? encodeSuite2Certificate({ serial: randomBytes(8), issuer: ca.issuer, subject, validFrom, validTo }, p)
        : encodeSuite1Certificate({ issuer: ca.issuer, subject }, p);
    const issued = issueCertificate(suite, ca.d, layout);
    const path = outputs[i]!;
    const publicKey = c.compress(issued.publicKey);
    writeNew(
      path,
      formatCredentials({
        caPublic: c.compress(ca.Q),
        cert: issued.cert,
        privateKey: privateKeyBytes(suite, issued.privateKey),
        publicKey,
      }),
    );
    out.push(`device   ${path} (subject ${eui64Text(subject)}, public key ${hex(publicKey)})`);
    if (showPrivate) out.push(`         private key ${hex(privateKeyBytes(suite, issued.privateKey))}`);
  });
  process.stdout.write(`${out.join("\n")}\n`);
  return Exit.ok;
}

export const command: CliCommand = {
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "show") return show(rest);
    if (sub === "issue") return issue(rest);
    if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
      process.stdout.write(`${HELP}\n`);
      return sub === undefined ? Exit.usage : Exit.ok;
    }
    throw new UsageError(`unknown subcommand '${sub}': show or issue. See 'hanbench cert --help'.`);
  },
};
