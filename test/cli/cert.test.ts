/**
 * `hanbench cert show|issue` through the real entry point (node bin/hanbench.js), as a user runs it: every field
 * of a Certicom suite-2 test certificate and its reconstructed key, test CA issuance (files 0600, private keys
 * only on request), and bad input as one line with exit code 2.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ANNEX_SUITE2 } from "../crypto/annex-vectors.js";
import { CERTICOM_SUITE1, CERTICOM_SUITE2 } from "../crypto/certicom-bundles.js";

const dir = mkdtempSync(join(tmpdir(), "hb-cert-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL("../../bin/hanbench.js", import.meta.url));

function hanbench(...args: string[]): Promise<Run> {
  return hanbenchIn(process.cwd(), ...args);
}

function hanbenchIn(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile("node", [BIN, ...args], { timeout: 60_000, cwd }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
    });
    child.stdin?.end();
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The value printed after a field name. */
function field(out: string, name: string): string | undefined {
  const line = out.split("\n").find((l) => l.startsWith(`${name.padEnd(18)} `));
  return line?.slice(19);
}

describe("hanbench cert show", { timeout: 120_000 }, () => {
  it("prints every field of a Certicom suite-2 test certificate, its reconstructed key, and checks the keys", async () => {
    const r = await hanbench("cert", "show", file("certicom2.txt", CERTICOM_SUITE2.text));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(field(r.stdout, "certificate")).toBe("suite 2 (sect283k1), 74 octets");
    expect(field(r.stdout, "type")).toBe("0x00 (implicit, no extensions)");
    expect(field(r.stdout, "serial")).toBe("0x0b3ad5a312ab75d6");
    expect(field(r.stdout, "curve")).toBe("0x0d (sect283k1)");
    expect(field(r.stdout, "hash")).toBe("0x08 (AES-MMO)");
    expect(field(r.stdout, "issuer")).toBe("0x1112131415161718");
    expect(field(r.stdout, "valid from")).toBe("2018-08-23T15:26:40Z (1535038000)");
    expect(field(r.stdout, "valid to")).toBe("no expiry (0xffffffff)");
    expect(field(r.stdout, "subject")).toBe("0x0022080000000001 (EUI-64)");
    expect(field(r.stdout, "key usage")).toBe("0x08 (key agreement)");
    expect(field(r.stdout, "public key")).toBe(`${CERTICOM_SUITE2.publicKey} (reconstructed, ECQV)`);
    expect(field(r.stdout, "stated public key")).toBe("matches the reconstructed key");
    expect(field(r.stdout, "private key")).toBe("present (not shown), matches the public key");
    expect(field(r.stdout, "fit for CBKE")).toBe("yes");
    expect(r.stdout).not.toContain(CERTICOM_SUITE2.privateKey);
  });

  it("reads a suite-1 bundle, and a plain-hex certificate with the CA key from --ca", async () => {
    const s1 = await hanbench("cert", "show", file("certicom1.txt", CERTICOM_SUITE1.text));
    expect(s1.code).toBe(0);
    expect(field(s1.stdout, "issuer")).toBe('0x5445535453454341 ("TESTSECA")');
    expect(field(s1.stdout, "public key")).toBe(`${CERTICOM_SUITE1.publicKey} (reconstructed, ECQV)`);
    const plain = await hanbench("cert", "show", file("annex.hex", ANNEX_SUITE2.certV), "--ca", ANNEX_SUITE2.caPublic);
    expect(plain.code).toBe(0);
    expect(field(plain.stdout, "public key")).toBe(`${ANNEX_SUITE2.qV} (reconstructed, ECQV)`);
    expect(field(plain.stdout, "key usage")).toBe("0x88 (key agreement, digital signature)");
    // --ca naming a file (here "ca", which is hex digits too) reads its 'CA Pub Key'
    file("ca", `CA Pub Key:\n${ANNEX_SUITE2.caPublic}\n`);
    const fromFile = await hanbenchIn(dir, "cert", "show", "annex.hex", "--ca", "ca");
    expect(fromFile.code).toBe(0);
    expect(field(fromFile.stdout, "CA public key")).toBe(`${ANNEX_SUITE2.caPublic} (from --ca)`);
    expect(field(fromFile.stdout, "public key")).toBe(`${ANNEX_SUITE2.qV} (reconstructed, ECQV)`);
  });

  it("exits 1 when the private key does not match the certificate", async () => {
    const other = CERTICOM_SUITE2.text.replace(CERTICOM_SUITE2.privateKey, ANNEX_SUITE2.dV);
    const r = await hanbench("cert", "show", file("mismatch.txt", other));
    expect(r.code).toBe(1);
    expect(field(r.stdout, "private key")).toBe("present (not shown), DOES NOT match the public key");
    expect(r.stdout).not.toContain(ANNEX_SUITE2.dV);
  });

  it.each([
    [
      ["cert", "show", join(dir, "missing.txt")],
      /^hanbench cert: cannot read certificate file .*missing\.txt: ENOENT\n$/,
    ],
    [["cert", "show", "GARBAGE"], /^hanbench cert: (cannot read|GARBAGE)/],
    [["cert", "show"], /^hanbench cert: give one certificate file/],
    [["cert", "frobnicate"], /^hanbench cert: unknown subcommand 'frobnicate'/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const r = await hanbench(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses a file that is no certificate, and a CA key that is no point, with one line and exit 2", async () => {
    const short = await hanbench("cert", "show", file("short.hex", "0011223344"));
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/a certificate is 74 octets \(suite 2\) or 48 \(suite 1\), not 5\n$/);
    const notHex = await hanbench("cert", "show", file("nothex.txt", "Device Implicit Cert:\nxyz\n"));
    expect(notHex.code).toBe(2);
    expect(notHex.stderr).toMatch(/not a hex digit/);
    const badCa = await hanbench("cert", "show", join(dir, "annex.hex"), "--ca", `04${"00".repeat(36)}`);
    expect(badCa.code).toBe(2);
    expect(badCa.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("hanbench cert issue", { timeout: 120_000 }, () => {
  it("mints a test CA and device certificates in 0600 files that cert show accepts, private keys only on request", async () => {
    const out = join(dir, "issued");
    const r = await hanbench(
      "cert",
      "issue",
      "--out",
      out,
      "--subject",
      "00:0d:6f:00:00:00:00:01",
      "--subject",
      "0x000d6f0000000002",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const name of ["ca.txt", "000d6f0000000001.txt", "000d6f0000000002.txt"]) {
      expect(statSync(join(out, name)).mode & 0o777).toBe(0o600);
    }
    const device = readFileSync(join(out, "000d6f0000000001.txt"), "utf8");
    const privateKey = /Private Key Reconstruction Data:\n([0-9a-f]+)/.exec(device)![1]!;
    const caPrivate = /CA Private Key:\n([0-9a-f]+)/.exec(readFileSync(join(out, "ca.txt"), "utf8"))![1]!;
    expect(r.stdout).not.toContain(privateKey);
    expect(r.stdout).not.toContain(caPrivate);
    const shown = await hanbench("cert", "show", join(out, "000d6f0000000001.txt"));
    expect(shown.code).toBe(0);
    expect(field(shown.stdout, "subject")).toBe("0x000d6f0000000001 (EUI-64)");
    expect(field(shown.stdout, "issuer")).toBe('0x4842544553544341 ("HBTESTCA")');
    expect(field(shown.stdout, "private key")).toBe("present (not shown), matches the public key");

    // the same CA again, for another device, with the private key shown on request
    const again = await hanbench(
      "cert",
      "issue",
      "--out",
      out,
      "--ca",
      join(out, "ca.txt"),
      "--subject",
      "000d6f0000000003",
      "--show-private",
      "--valid-days",
      "30",
    );
    expect(again.code).toBe(0);
    const third = readFileSync(join(out, "000d6f0000000003.txt"), "utf8");
    expect(again.stdout).toContain(`private key ${/Private Key Reconstruction Data:\n([0-9a-f]+)/.exec(third)![1]}`);
    const shown3 = await hanbench("cert", "show", join(out, "000d6f0000000003.txt"));
    expect(shown3.code).toBe(0);
    expect(field(shown3.stdout, "valid to")).toMatch(/\(2592000 s after valid from\)$/);

    // existing files are never overwritten
    const twice = await hanbench("cert", "issue", "--out", out, "--subject", "00:0d:6f:00:00:00:00:01");
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/000d6f0000000001\.txt exists; not overwritten\n$/);
    expect(readFileSync(join(out, "000d6f0000000001.txt"), "utf8")).toBe(device);
  });

  it.each([
    [["--subject", "00:0d:6f:00:00:00:00:01"], /--out DIR is required/],
    [["--out", "x"], /give at least one --subject/],
    [["--out", "x", "--subject", "00:0d:6f"], /--subject "00:0d:6f": an EUI-64 is 16 hex digits/],
    [["--out", "x", "--subject", "000d6f0000000001", "--suite", "3"], /--suite is 2 or 1/],
    [["--out", "x", "--subject", "000d6f0000000001", "--issuer", "0102"], /--issuer is 8 octets, not 2/],
    [["--out", "x", "--subject", "000d6f0000000001", "--valid-days", "0"], /--valid-days is a whole number/],
    [["--out", "x", "--subject", "000d6f0000000001", "--frob"], /Unknown option '--frob'/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const r = await hanbench("cert", "issue", ...args.map((a) => (a === "x" ? join(dir, "never") : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("teaches with --help, and is listed by hanbench --help", async () => {
    const help = await hanbench("cert", "issue", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^hanbench cert issue — mint a test CA/);
    expect(help.stdout).toContain("mode 0600");
    const top = await hanbench("--help");
    expect(top.stdout).toMatch(/\n {2}cert +show or issue Smart Energy implicit certificates/);
  });
});
