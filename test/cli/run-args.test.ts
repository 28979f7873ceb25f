/**
 * `hanbench run`'s options that the bench's own limits decide: how many devices the Device Log can take
 * (issue 11, item 3) and what --state means in a virtual run (item 9). Refused before anything starts, as one
 * usage line and exit 2.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { HELP, parseRunArgs } from "../../src/cli/run.js";
import { CASES } from "../../src/cluster-cot/index.js";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hanbench-run-args-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const displays = (n: number) => Array.from({ length: n }, () => "ihd:compliant").join(",");

function dutFile(i: number): string {
  const path = join(dir, `dut-${i}.json`);
  const eui = `0x0d6f00000000${i.toString(16).padStart(4, "0")}`;
  writeFileSync(
    path,
    JSON.stringify({ label: `ihd ${i}`, kind: "ihd", eui64: eui, installCode: "83FED3407A939723A5C639B26916D505C3B5" }),
  );
  return path;
}

describe("hanbench run --help", () => {
  it("names every case of the suite on its first line, consecutive ids as ranges", () => {
    const listed = /\(cases (.+)\)$/.exec(HELP.split("\n")[0]!)![1]!.split(", ");
    const ids = listed.flatMap((r) => {
      const [from, to = from] = r.split("..").map((id) => Number(id.slice(4)));
      return Array.from({ length: to! - from! + 1 }, (_, i) => `COT-${String(from! + i).padStart(2, "0")}`);
    });
    expect(ids).toEqual(CASES.map((c) => c.id).sort());
    expect(listed.length).toBeLessThan(ids.length); // ranges, not a list of twenty ids
  });
});

describe("hanbench run: devices under test and the Device Log", () => {
  it("refuses a display's own poll interval ('@DURATION' is hanbench virtual's): a run sets the polling", () => {
    expect(() => parseRunArgs(["--devices", "ihd:compliant@10s"])).toThrow(
      "--devices: 'ihd:compliant@…': a run sets its displays' polling itself; '@DURATION' is for hanbench virtual",
    );
  });

  it("takes 15 emulated devices, the Device Log's 16 entries less the run's ESME", () => {
    const opts = parseRunArgs(["--devices", displays(15)]);
    expect(opts === "help" ? 0 : opts.devices).toHaveLength(15);
  });

  it.each([16, 1000])("refuses %i emulated devices, saying how many fit and why", (n) => {
    const run = () => parseRunArgs(["--devices", displays(n)]);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(
      `--devices lists ${n} devices under test, but at most 15 fit: the hub's Device Log holds 16 entries and the run's ESME, a node of its own, takes one`,
    );
  });

  it("on the virtual ember NCP with CBKE, as many PPMIDs as its key table holds (12), not one more", () => {
    const ppmids = (n: number) => Array.from({ length: n }, () => "ppmid:compliant").join(",");
    const twelve = parseRunArgs(["--adapter", "ember", "--devices", ppmids(12)]);
    expect(twelve === "help" ? 0 : twelve.devices).toHaveLength(12);
    expect(() => parseRunArgs(["--adapter", "ember", "--devices", ppmids(13)])).toThrow(
      "--devices: 13 PPMIDs with --security cbke on --adapter ember: the virtual NCP's key table holds 12 link keys",
    );
    // keys are not the limit without CBKE, on Z-Stack, or for displays
    for (const args of [
      ["--adapter", "ember", "--security", "off", "--devices", ppmids(13)],
      ["--adapter", "zstack", "--devices", ppmids(13)],
      ["--adapter", "ember", "--devices", `${ppmids(12)},${displays(3)}`],
    ])
      expect(parseRunArgs(args), args.join(" ")).not.toBe("help");
  });

  it("takes 16 DUT files on the bench, where the ESME is an endpoint of the hub node, and refuses 17", () => {
    const duts = Array.from({ length: 17 }, (_, i) => ["--dut", dutFile(i)]).flat();
    const sixteen = parseRunArgs(["--port", "/dev/null", ...duts.slice(0, 32)]);
    expect(sixteen === "help" ? 0 : sixteen.duts).toHaveLength(16);
    expect(() => parseRunArgs(["--port", "/dev/null", ...duts])).toThrow(
      "17 --dut files, but at most 16 devices fit: the hub's Device Log holds 16 entries",
    );
  });

  it("refuses 1,000 devices at once: one line, exit 2, and no run directory made", () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    const r = spawnSync(process.execPath, [BIN, "run", "--devices", displays(1000)], {
      cwd,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      "hanbench run: --devices lists 1000 devices under test, but at most 15 fit: the hub's Device Log holds 16 entries and the run's ESME, a node of its own, takes one",
    ]);
    expect(existsSync(join(cwd, ".hanbench"))).toBe(false);
  });
});

describe("hanbench run --state in a virtual run", () => {
  it("is taken when the directory is new or empty", () => {
    const empty = join(dir, "empty-state");
    mkdirSync(empty);
    expect(parseRunArgs(["--state", empty])).toMatchObject({ mode: "virtual", state: empty });
    expect(parseRunArgs(["--state", join(dir, "new-state")])).toMatchObject({ state: join(dir, "new-state") });
  });

  it("is refused when the directory holds an earlier state, or is a file", () => {
    const used = join(dir, "used-state");
    mkdirSync(used);
    writeFileSync(join(used, "network.json"), "{}");
    expect(() => parseRunArgs(["--state", used])).toThrow(
      `--state ${used} is not empty (network.json): a virtual run starts from a fresh network; give a new or empty directory`,
    );
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    expect(() => parseRunArgs(["--state", file])).toThrow(`--state ${file} is a file, not a directory`);
  });
});

describe("hanbench run's output paths, checked before the run starts", () => {
  function hanbench(args: string[]) {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    const r = spawnSync(process.execPath, [BIN, "run", ...args], { cwd, encoding: "utf8", timeout: 20_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ranInto: existsSync(join(cwd, ".hanbench")) };
  }

  it("refuses an evidence file that holds another run's lines, and leaves it as it was", () => {
    const path = join(dir, "earlier.jsonl");
    writeFileSync(path, '{"seq":1,"kind":"note","message":"an earlier run"}\n');
    expect(hanbench(["--evidence", path])).toEqual({
      status: 2,
      stdout: "",
      stderr: `hanbench run: --evidence: ${path} already holds evidence (51 bytes): a run never appends to another's log; give a new path\n`,
      ranInto: false,
    });
    expect(readFileSync(path, "utf8")).toBe('{"seq":1,"kind":"note","message":"an earlier run"}\n');
  });

  it.each([
    [
      "--evidence",
      "/proc/hanbench-x/evidence.jsonl",
      "cannot make directory /proc/hanbench-x: no such directory, and it cannot be made",
    ],
    [
      "--json",
      "/proc/hanbench-x/report.json",
      "cannot make directory /proc/hanbench-x: no such directory, and it cannot be made",
    ],
    ["--html", "/sys/hanbench-report.html", "cannot write /sys/hanbench-report.html: permission denied"],
    ["--capture", "/sys/hanbench.pcap", "cannot write /sys/hanbench.pcap: permission denied"],
  ])("refuses %s %s at once with one line and exit 2, without starting", (flag, path, why) => {
    expect(hanbench([flag, path])).toEqual({
      status: 2,
      stdout: "",
      stderr: `hanbench run: ${flag}: ${why}\n`,
      ranInto: false,
    });
  });
});

describe("hanbench run with a read-only output directory", () => {
  // root writes through permission bits: the command then runs as nobody, as a user would
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const base = mkdtempSync(join(tmpdir(), "hb-read-only-"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  chmodSync(base, 0o755);
  const ro = join(base, "ro");
  mkdirSync(ro);
  chmodSync(ro, 0o555);

  it.each([
    ["--evidence", join(ro, "evidence.jsonl"), `cannot write ${join(ro, "evidence.jsonl")}: permission denied`],
    ["--json", join(ro, "out", "report.json"), `cannot make directory ${join(ro, "out")}: permission denied`],
  ])("refuses %s %s at once with one line and exit 2, writing nothing", (flag, path, why) => {
    const cwd = join(base, `cwd${flag}`);
    mkdirSync(cwd);
    chmodSync(cwd, 0o777);
    const r = spawnSync(process.execPath, [BIN, "run", flag, path], {
      cwd,
      encoding: "utf8",
      timeout: 20_000,
      ...asUser,
    });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 2,
      stdout: "",
      stderr: `hanbench run: ${flag}: ${why}\n`,
    });
    expect(readdirSync(ro)).toEqual([]);
    expect(existsSync(join(cwd, ".hanbench"))).toBe(false);
  });
});

describe("hanbench run --adapter", () => {
  it("takes zstack and ember for a virtual run (the virtual coordinator that speaks it), zstack by default", () => {
    const adapter = (argv: string[]) => {
      const opts = parseRunArgs(argv);
      return opts === "help" ? undefined : opts.adapter;
    };
    expect(adapter([])).toBe("zstack");
    expect(adapter(["--adapter", "ember"])).toBe("ember");
  });

  it("refuses an adapter that has no virtual coordinator, before anything starts", () => {
    expect(() => parseRunArgs(["--adapter", "deconz"])).toThrow(
      "--adapter must be one of zstack, ember for a virtual run, got 'deconz'",
    );
  });
});

describe("hanbench run --hub-variant", () => {
  it("takes a variant of cot-suite.md and leaves the mode's default when none is given", () => {
    const opts = parseRunArgs(["--hub-variant", "gpf-pre-1.5"]);
    expect(opts !== "help" && opts.hubVariant).toBe("gpf-pre-1.5");
    const plain = parseRunArgs([]);
    expect(plain !== "help" && plain.hubVariant).toBeUndefined();
  });

  it("refuses any other name, naming the variants", () => {
    const run = () => parseRunArgs(["--hub-variant", "silabs"]);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/^--hub-variant 'silabs' is not one of reference, attributes-only, esme-date-only, /);
  });
});

describe("hanbench run: --security and --cert", () => {
  const bench = (...extra: string[]) => parseRunArgs(["--port", "tcp://127.0.0.1:1", "--dut", dutFile(90), ...extra]);
  const mode = (o: ReturnType<typeof parseRunArgs>) => (o === "help" ? undefined : o.security);

  it("is cbke by default in a virtual run, off on a bench without a certificate, cbke with one", () => {
    expect(mode(parseRunArgs([]))).toBe("cbke");
    expect(mode(parseRunArgs(["--security", "off"]))).toBe("off");
    expect(mode(bench())).toBe("off");
    expect(mode(bench("--cert", join(dir, "hub.txt")))).toBe("cbke");
  });

  it.each([
    [["--security", "aps"], "--security is cbke or off, not 'aps'"],
    [["--cert", "hub.txt"], "--cert is for bench runs (with --port): a virtual run makes its own test CA"],
  ])("refuses %j in a virtual run", (args, message) => {
    expect(() => parseRunArgs(args)).toThrow(message);
  });

  it("is cbke by default on the EmberZNet adapter as on Z-Stack, and off when asked", () => {
    expect(mode(parseRunArgs(["--adapter", "ember"]))).toBe("cbke");
    expect(mode(parseRunArgs(["--adapter", "ember", "--security", "cbke"]))).toBe("cbke");
    expect(mode(parseRunArgs(["--adapter", "ember", "--security", "off"]))).toBe("off");
  });

  it("refuses cbke on a bench without a certificate, and a certificate with security off", () => {
    expect(() => bench("--security", "cbke")).toThrow(
      "--security cbke on a bench needs the hub's certificate: --cert FILE (Certicom format)",
    );
    expect(() => bench("--security", "off", "--cert", "hub.txt")).toThrow(
      "--cert gives the hub's certificate for --security cbke",
    );
  });

  it("refuses an unreadable or wrong certificate file with one line and exit 2, before opening the port", () => {
    const bad = join(dir, "bad-cert.txt");
    writeFileSync(bad, "CA Pub Key:\n0207a445\nDevice Implicit Cert:\n00\n");
    for (const [file, message] of [
      [join(dir, "missing.txt"), /--cert .*missing\.txt: ENOENT/],
      [bad, /--cert .*bad-cert\.txt: a certificate is 74 or 48 octets, not 1/],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        [BIN, "run", "--port", "tcp://127.0.0.1:1", "--dut", dutFile(91), "--cert", file],
        { encoding: "utf8" },
      );
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});

describe("hanbench run --baseline FILE", () => {
  it("reads a lab's baseline, and the shipped one is the default", () => {
    const path = join(dir, "lab-baseline.json");
    writeFileSync(path, JSON.stringify({ modification: "SECMP0056", IHDTS: "4.2", PPMIDTS: "5.0" }));
    const opts = parseRunArgs(["--baseline", path]);
    expect(opts === "help" ? undefined : opts.baseline).toEqual({
      values: { modification: "SECMP0056", IHDTS: "4.2", PPMIDTS: "5.0" },
      file: path,
    });
    const plain = parseRunArgs([]);
    expect(plain === "help" ? "help" : plain.baseline).toBeUndefined();
  });

  it.each([
    ["missing.json", undefined, /^--baseline: cannot read .*missing\.json \(ENOENT\)$/],
    [
      "bad.json",
      '{"IHDTS": "5"}',
      /^--baseline: .*bad\.json: IHDTS "5" is not a version MAJOR\.MINOR \(such as 5\.0\)$/,
    ],
  ])("refuses %s: one line, exit 2", (name, text, message) => {
    const path = join(dir, name);
    if (text !== undefined) writeFileSync(path, text);
    const r = spawnSync(process.execPath, [BIN, "run", "--baseline", path], { encoding: "utf8" });
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.replace(/^hanbench run: /, "")).toMatch(message);
  });
});

describe("hanbench run --window auto and --poll-interval", () => {
  const opt = <K extends keyof Exclude<ReturnType<typeof parseRunArgs>, "help">>(args: string[], key: K) => {
    const o = parseRunArgs(args);
    return o === "help" ? undefined : o[key];
  };

  it("learns the window on a bench by default, and in a virtual run when asked; a duration fixes it", () => {
    const bench = ["--port", "/dev/null", "--dut", dutFile(90)];
    expect(opt(bench, "windowAuto")).toBe(true);
    expect(opt([...bench, "--window", "2h"], "windowAuto")).toBeUndefined();
    expect(opt([...bench, "--window", "2h"], "windowMs")).toBe(7_200_000);
    expect(opt([], "windowAuto")).toBeUndefined();
    expect(opt(["--window", "auto"], "windowAuto")).toBe(true);
    expect(opt(["--window", "auto"], "windowMs")).toBe(86_400_000);
  });

  it("sets the emulated devices' polling in a virtual run only", () => {
    expect(opt(["--poll-interval", "30m"], "pollIntervalMs")).toBe(1_800_000);
    expect(() => parseRunArgs(["--port", "/dev/null", "--dut", dutFile(91), "--poll-interval", "30m"])).toThrow(
      "--poll-interval sets the emulated devices' polling: it is for virtual runs",
    );
    expect(() => parseRunArgs(["--poll-interval", "10s"])).toThrow("--poll-interval must be at least 1m of hub time");
    expect(() => parseRunArgs(["--window", "soon"])).toThrow("--window: 'soon' is not a duration");
  });
});
