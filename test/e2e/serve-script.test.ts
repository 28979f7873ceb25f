/**
 * `hanbench serve --port tcp://…` against `hanbench virtual`, both as child processes, scripted through
 * serve's stdin as a lab engineer would pipe it: add the device printed by `hanbench virtual`, open joining,
 * wait for the join, perform a CoT, list devices and requests, quit.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEvidence } from "../../src/evidence/read.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "hanbench.js");
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "hanbench-serve-e2e-"));

function start(args: string[]): { child: ChildProcess; out: string[]; closed: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  const out: string[] = [];
  let rest = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    out.push(...lines);
  });
  child.stderr!.resume();
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, out, closed };
}

async function waitFor(out: string[], re: RegExp, ms: number): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    for (const line of out) {
      const m = line.match(re);
      if (m) return m;
    }
    if (Date.now() > until) throw new Error(`no line matching ${re} within ${ms} ms; got:\n${out.join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs serve with a piped script to its end; resolves with its exit code and output lines. */
async function serveScript(
  url: string,
  state: string,
  evidence: string,
  script: string[],
  extra: string[] = [],
): Promise<{ code: number | null; out: string[] }> {
  const serve = start(["serve", "--port", url, "--state", state, "--evidence", evidence, ...extra]);
  serve.child.stdin!.end(`${script.join("\n")}\n`);
  const code = await Promise.race([
    serve.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`serve did not stop:\n${serve.out.join("\n")}`)), 60_000),
    ),
  ]);
  return { code, out: serve.out };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("hanbench serve against hanbench virtual", () => {
  it("admits the added device, refuses the other, performs a CoT and reports devices and requests", async () => {
    const virtual = start(["virtual", "--listen", "tcp://127.0.0.1:0", "--devices", "node,node"]);
    const url = (await waitFor(virtual.out, /connect to: (tcp:\/\/\S+)/, 20_000))[1]!;
    const [, eui, code] = await waitFor(virtual.out, /^node-1\s+([0-9A-F]{16})\s+([0-9A-F]+)$/, 5_000);
    const [, other] = await waitFor(virtual.out, /^node-2\s+([0-9A-F]{16})\s+/, 5_000);
    const ieee = `0x${eui!.toLowerCase()}`;

    const evidencePath = join(dir, "evidence.jsonl");
    const state = join(dir, "state");
    const capturePath = join(dir, "serve.pcap");
    const serve = start([
      "serve",
      "--port",
      url,
      "--state",
      state,
      "--evidence",
      evidencePath,
      "--capture",
      capturePath,
      "--channel",
      "15",
    ]);
    serve.child.stdin!.end(
      [
        `add ${eui} ${code} ihd`,
        "add 0D6F00 1234",
        "permit 60",
        `wait join ${eui} 30`,
        "cot +1h 0x200",
        "message hello",
        "devices",
        `requests ${eui} 3`,
        "log",
        "quit",
        "",
      ].join("\n"),
    );
    const code_ = await Promise.race([
      serve.closed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`serve did not stop:\n${serve.out.join("\n")}`)), 60_000),
      ),
    ]);
    expect(code_).toBe(0);
    const out = serve.out;
    expect(out[0]).toMatch(
      /^hub up on tcp:\/\/127\.0\.0\.1:\d+: channel 15, PAN 0x[0-9a-f]{4}, extended PAN id 0x00124b00/,
    );
    expect(out[0]).toContain("GPF ESI endpoint 2, gas mirror 4, ESME endpoint 3");
    // the dongle's facts as it reported them
    expect(out[1]).toMatch(
      /^coordinator: zstack, firmware ZStack3x0 revision \d{8} \(\d+\.\d+\.\d+\), IEEE 0x00124b00[0-9a-f]{8}, channel 15, PAN 0x[0-9a-f]{4}$/,
    );
    expect(out).toContain(`added ${ieee} to the Device Log (1/16)`);
    expect(out.some((l) => /^error: EUI-64 must be 16 hex digits/.test(l))).toBe(true);
    // what the devices do, as it happens, each line with the hub time
    expect(out.some((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d joined: ${ieee}$`).test(l))).toBe(true);
    expect(
      out.some((l) =>
        l.endsWith(` refused: 0x${other!.toLowerCase()} (not in the Device Log: refused and asked to leave)`),
      ),
    ).toBe(true);
    // `wait join` either saw the interview finish or found the device already on the network
    expect(out.some((l) => l === `${ieee} joined` || l === `${ieee} is on the network`)).toBe(true);
    for (const meter of ["GPF", "ESME"]) {
      const line = new RegExp(`^CoT recorded on the ${meter}: from .* \\(in 1h, ZCL UTC \\d+\\), control 0x00000200`);
      expect(out.some((l) => line.test(l))).toBe(true);
    }
    expect(out.some((l) => l.startsWith(`${ieee} nwk 0x`) && l.includes("interview SUCCESSFUL"))).toBe(true);
    expect(out).toContain("Device Log 1/16");
    expect(out.at(-1)).toBe("hub stopped");
    // piped input: no prompt, no echo of the script
    expect(out.filter((l) => l.includes("hub>") || l.startsWith("add "))).toEqual([]);

    expect(statSync(join(state, "network.json")).mode & 0o777).toBe(0o600);
    const { events, bad } = readEvidence(evidencePath);
    expect(bad).toEqual([]);
    expect(events.filter((e) => e.kind === "join").map((e) => [e.device, e.accepted])).toEqual([
      [ieee, true],
      [`0x${other!.toLowerCase()}`, false],
    ]);
    expect(events.filter((e) => e.kind === "cot")).toMatchObject([
      { meter: "gpf", control: 0x200, pushed: false },
      { meter: "esme", control: 0x200, pushed: false },
    ]);
    expect(events.some((e) => e.kind === "zcl" && e.device === ieee && e.dir === "in")).toBe(true);
    // the capture holds the same exchanges, as Wireshark's dissector reads them
    const zclCount = events.filter((e) => e.kind === "zcl").length;
    const tshark = spawnSync("tshark", ["-r", capturePath, "-T", "fields", "-e", "zbee_aps.cluster"], {
      encoding: "utf8",
    });
    expect(tshark.status, tshark.stderr).toBe(0);
    const clusters = tshark.stdout.split("\n").filter(Boolean);
    expect(clusters.length).toBe(zclCount);
    const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;
    const expected = events.filter((e) => e.kind === "zcl").map((e) => hex((e as { clusterId: number }).clusterId));
    expect(clusters).toEqual(expected);

    // restarted on the same --state: the Device Log, the CoTs and the ids are still there
    const firstMessage = Number(out.find((l) => l.startsWith("message "))!.split(" ")[1]);
    const firstCot = events.find((e) => e.kind === "cot") as { issuerEventId: number };
    const evidence2 = join(dir, "evidence-2.jsonl");
    const again = await serveScript(url, state, evidence2, ["log", "status", "cot +2h", "message again", "quit"]);
    expect(again.code, again.out.join("\n")).toBe(0);
    expect(again.out).toContain(`kept in ${state}: Device Log 1/16, 1 device(s) under test, 2 CoT(s), 1 message(s)`);
    expect(again.out).toContain("Device Log 1/16");
    expect(again.out).toContainEqual(
      expect.stringMatching(
        /^GPF \(endpoint 2\): ChangeOfTenancyUpdateDateTime \S+, ProposedTenancyChangeControl 0x00000200; one continuous history; supplier message \d+ 'hello'$/,
      ),
    );
    const secondMessage = Number(again.out.find((l) => l.startsWith("message "))!.split(" ")[1]);
    expect(secondMessage).toBeGreaterThan(firstMessage);
    const events2 = readEvidence(evidence2).events;
    expect(events2.find((e) => e.kind === "run")).toMatchObject({ session: "serve", duts: [{ ieee }] });
    const cots2 = events2.filter((e) => e.kind === "cot") as {
      meter: string;
      control: number;
      issuerEventId: number;
    }[];
    // the kept CoTs first (recorded on the meters again), then the new ones, with issuer ids above them
    expect(cots2.map((c) => [c.meter, c.control])).toEqual([
      ["gpf", 0x200],
      ["esme", 0x200],
      ["gpf", 0x600],
      ["esme", 0x600],
    ]);
    expect(cots2[0]!.issuerEventId).toBe(firstCot.issuerEventId);
    expect(cots2[2]!.issuerEventId).toBeGreaterThan(firstCot.issuerEventId);
    expect(statSync(join(state, "session.json")).mode & 0o777).toBe(0o600);
    // the kept CoTs must fit the hub variant: under electricity-only the GPF carries none
    const mismatch = spawnSync(
      process.execPath,
      [
        BIN,
        "serve",
        "--port",
        url,
        "--state",
        state,
        "--hub-variant",
        "electricity-only",
        "--evidence",
        join(dir, "e-x.jsonl"),
      ],
      { input: "quit\n", encoding: "utf8", timeout: 60_000 },
    );
    expect(mismatch.status, mismatch.stderr).toBe(2);
    expect(mismatch.stderr).toMatch(
      /^hanbench serve: --state: a CoT kept in .* is on the GPF, which carries no CoT under --hub-variant electricity-only; give the variant it was recorded under, or start with --reset\n$/,
    );
    // --reset starts afresh
    const fresh = await serveScript(url, state, join(dir, "evidence-3.jsonl"), ["log", "quit"], ["--reset"]);
    expect(fresh.code).toBe(0);
    expect(fresh.out).not.toContainEqual(expect.stringMatching(/^kept in /));
    expect(fresh.out).toContain("Device Log 0/16");
  }, 180_000);
});
