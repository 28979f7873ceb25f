/**
 * No key material in anything the tool shows (issue 11, item 1), at every level, grepped as an attacker would:
 * the network key, every install code (with and without its CRC) and every derived link key, in hex of either
 * case, with or without separators, and as decimal byte arrays, must not be on stdout or stderr at trace
 * level, nor in the evidence, the JSON, JUnit and HTML reports or the pcap.
 *
 * - `hanbench run` (the virtual dry-run, its state kept with --state so that its network key can be read);
 * - `hanbench serve` forming a new network on `hanbench virtual`, with a device added by its install code;
 * - `hanbench virtual` itself, whose only deliberate showing of an install code is its device table (the
 *   label a lab reads off the device).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkKeyFromInstallCode } from "../../src/hub/install-code.js";
import { deviceIdentity } from "../../src/virtual/registry.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const TRACE = { ...process.env, HANBENCH_LOG_LEVEL: "trace", HANBENCH_LOG_JSON: "1" };
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "hb-secrets-"));
  dirs.push(d);
  return d;
}

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], stdin: "pipe" | "ignore" = "ignore"): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env: TRACE, stdio: [stdin, "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  child.stderr!.on("data", (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with what `probe` finds in the process's output, checked as each chunk of stdout arrives. */
function until<T>(what: string, probe: () => T | undefined, ms: number, p: Proc): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const v = probe();
      if (v === undefined) return;
      clearTimeout(timer);
      p.child.stdout!.off("data", check);
      resolve(v);
    };
    const timer = setTimeout(() => {
      p.child.stdout!.off("data", check);
      reject(new Error(`${what} did not happen within ${ms} ms:\n${p.stdout()}`));
    }, ms);
    p.child.stdout!.on("data", check);
    check();
  });
}

/** A secret's forms as text: hex both cases, byte by byte with `:`, ` ` and `, 0x`, and decimal byte arrays. */
function forms(bytes: Buffer): string[] {
  const pairs = bytes.toString("hex").match(/../g)!;
  return [
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
    pairs.join(":"),
    pairs.join(" ").toUpperCase(),
    pairs.map((p) => `0x${p}`).join(", "),
    [...bytes].join(","),
    [...bytes].join(", "),
  ];
}

interface Secret {
  name: string;
  bytes: Buffer;
}

/** The secrets of a device with this install code: the code with and without its CRC, and its link key. */
function deviceSecrets(label: string, codeWithCrc: Buffer): Secret[] {
  return [
    { name: `${label} install code`, bytes: codeWithCrc },
    { name: `${label} install code without CRC`, bytes: codeWithCrc.subarray(0, -2) },
    { name: `${label} link key`, bytes: linkKeyFromInstallCode(codeWithCrc) },
  ];
}

function networkKeyOf(stateDir: string): Secret {
  const file = JSON.parse(readFileSync(join(stateDir, "network.json"), "utf8")) as { networkKey: string };
  return { name: "network key", bytes: Buffer.from(file.networkKey, "hex") };
}

/** Where each secret shows, as `name in place (form)`; empty when none does. */
function leaks(secrets: Secret[], outputs: Record<string, string | Buffer>): string[] {
  const found: string[] = [];
  for (const [place, content] of Object.entries(outputs)) {
    const text = typeof content === "string" ? content : content.toString("latin1");
    const lower = text.toLowerCase();
    for (const s of secrets) {
      if (typeof content !== "string" && content.includes(s.bytes)) found.push(`${s.name} in ${place} (raw bytes)`);
      for (const f of forms(s.bytes)) if (lower.includes(f.toLowerCase())) found.push(`${s.name} in ${place} (${f})`);
    }
  }
  return found;
}

describe("no key material in any output", () => {
  it("hanbench run at trace level: stdout, stderr, evidence, JSON, JUnit, HTML and pcap", async () => {
    const dir = tempDir();
    const state = join(dir, "state");
    const files = {
      evidence: join(dir, "evidence.jsonl"),
      json: join(dir, "report.json"),
      junit: join(dir, "junit.xml"),
      html: join(dir, "report.html"),
      capture: join(dir, "run.pcap"),
    };
    const run = start([
      "run",
      "--state",
      state,
      ...Object.entries(files).flatMap(([flag, path]) => [`--${flag}`, path]),
    ]);
    expect(await run.exited, run.stderr().slice(-2000)).toBe(0);
    // the trace really is on: herdsman's and the virtual dongle's lines are there
    expect(run.stderr()).toContain('"c":"virtual-znp"');
    expect(run.stderr()).toContain('"c":"herdsman"');
    // the ESME is device 0 of the dongle, the two displays 1 and 2, the refused stranger 3
    const secrets = [
      networkKeyOf(state),
      ...[0, 1, 2, 3].flatMap((i) => deviceSecrets(`device ${i}`, deviceIdentity(1, i).installCode)),
    ];
    const outputs: Record<string, string | Buffer> = { stdout: run.stdout(), stderr: run.stderr() };
    for (const [name, path] of Object.entries(files)) outputs[name] = readFileSync(path);
    expect(leaks(secrets, outputs)).toEqual([]);
  }, 120_000);

  it("hanbench serve forming a network on hanbench virtual, both at trace level", async () => {
    const dir = tempDir();
    const virtual = start(["virtual", "--listen", "tcp://127.0.0.1:0", "--devices", "ihd:compliant,node"]);
    const url = await until(
      "the dongle's address",
      () => /connect to: (tcp:\/\/\S+)/.exec(virtual.stdout())?.[1],
      20_000,
      virtual,
    );
    const table = await until(
      "the device table",
      () => /^ihd-1 \(ihd:compliant\) {2}([0-9A-F]{16}) {2}([0-9A-F]{36})$/m.exec(virtual.stdout()) ?? undefined,
      10_000,
      virtual,
    );
    const [, eui, code] = table;
    const state = join(dir, "state");
    const files = { evidence: join(dir, "evidence.jsonl"), capture: join(dir, "serve.pcap") };
    const serve = start(
      ["serve", "--port", url, "--state", state, "--evidence", files.evidence, "--capture", files.capture],
      "pipe",
    );
    serve.child.stdin!.end(
      [
        `add ${eui} ${code} ihd`,
        // the same code again, typed with separators: refused as a duplicate, and not echoed
        `add ${eui} ${code!.match(/../g)!.join(":")} ihd`,
        "permit 60",
        `wait join ${eui} 30`,
        "message hello",
        "cot now 0x600",
        "log",
        "devices",
        "quit",
        "",
      ].join("\n"),
    );
    expect(await serve.exited, serve.stderr().slice(-2000)).toBe(0);
    expect(serve.stdout()).toContain(` joined: 0x${eui!.toLowerCase()}`);
    virtual.child.kill("SIGTERM");
    expect(await virtual.exited).toBe(0);
    expect(virtual.stderr()).toContain('"msg":"znp in"');

    const secrets = [
      networkKeyOf(state),
      ...deviceSecrets("ihd-1", Buffer.from(code!, "hex")),
      ...deviceSecrets("node-1", deviceIdentity(1, 1).installCode),
    ];
    // the device table of `hanbench virtual` is the one place an install code is shown, on purpose
    const virtualStdout = virtual
      .stdout()
      .split("\n")
      .filter((l) => !/^(ihd-1 \(ihd:compliant\)|node-1) {2}/.test(l))
      .join("\n");
    expect(
      leaks(secrets, {
        "serve stdout": serve.stdout(),
        "serve stderr": serve.stderr(),
        "virtual stdout (besides the device table)": virtualStdout,
        "virtual stderr": virtual.stderr(),
        evidence: readFileSync(files.evidence),
        capture: readFileSync(files.capture),
      }),
    ).toEqual([]);
  }, 120_000);
});
