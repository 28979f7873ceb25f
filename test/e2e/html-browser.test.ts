/**
 * The HTML report of the run (`hanbench run --devices ihd:keeps-messages,ppmid:compliant --html …`) read
 * in a real browser: Debian's Chromium, headless, from a file:// URL with networking features off, takes a
 * screenshot (a real PNG of the window's size, not blank) and dumps the DOM it built, in which the banner, the
 * grid and the failing COT-06 with the message the display kept are checked. `.ci/run` installs chromium.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = new URL("../../bin/hanbench.js", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const WIDTH = 1280;
const HEIGHT = 2000;

const dir = mkdtempSync(join(tmpdir(), "hb-html-browser-"));
const started: ChildProcess[] = [];

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; its process group is killed afterwards (Chromium's helpers with it). */
function run(cmd: string, args: string[]): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    started.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group is gone already
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** Headless Chromium on a fresh profile, networking features off. */
function chromium(args: string[], profile: string): Promise<Done> {
  return run(CHROMIUM, [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${join(dir, profile)}`,
    ...args,
  ]);
}

afterAll(() => {
  for (const c of started) {
    try {
      if (c.pid) process.kill(-c.pid, "SIGKILL");
    } catch {
      // already ended
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

let page: string;
let exitCode: number | null;
beforeAll(async () => {
  const r = await run(process.execPath, [
    BIN,
    "run",
    "--quiet",
    "--devices",
    "ihd:keeps-messages,ppmid:compliant",
    "--evidence",
    join(dir, "evidence.jsonl"),
    "--html",
    join(dir, "report.html"),
  ]);
  exitCode = r.code;
  expect(r.code, r.stderr.slice(-2000)).toBe(1);
  page = `file://${join(dir, "report.html")}`;
}, 180_000);

describe("the HTML report in headless Chromium", () => {
  it("renders to a real PNG screenshot of the window's size", async () => {
    const shot = join(dir, "shot.png");
    const r = await chromium(
      ["--hide-scrollbars", `--screenshot=${shot}`, `--window-size=${WIDTH},${HEIGHT}`, page],
      "p1",
    );
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    // the first chunk is IHDR: width and height, big-endian
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([WIDTH, HEIGHT]);
    // a blank page of that size compresses to a few kB; the report's text and colours do not
    expect(png.length).toBeGreaterThan(60_000);
  }, 120_000);

  it("builds a DOM with the banner, the grid and the failing case's evidence", async () => {
    const r = await chromium(["--dump-dom", page], "p2");
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const dom = r.stdout;
    expect(exitCode).toBe(1);
    // banner: the overall result first
    const banner = /<header id="banner" class="banner v-fail">([\s\S]*?)<\/header>/.exec(dom);
    expect(banner, dom.slice(0, 2000)).not.toBeNull();
    expect(banner![1]).toContain('<div class="result">FAIL</div>');
    expect(banner![1]).toMatch(
      /<div class="counts">28 pass · 3 fail · 1 not_applicable · 8 info — 40 cases on 2 devices<\/div>/,
    );
    // grid: the display's row has FAIL under COT-06, COT-13 and COT-20 only
    const grid = /<table class="grid">([\s\S]*?)<\/table>/.exec(dom)![1]!;
    const row = /<tr><td class="dut"><a href="#dut-0">ihd:keeps-messages<\/a><\/td>([\s\S]*?)<\/tr>/.exec(grid)![1]!;
    const cellsOf = [...row.matchAll(/<td class="cell ([^"]+)"[^>]*>(?:<a [^>]*>)?([^<]*)/g)].map((m) => [m[1], m[2]]);
    expect(cellsOf).toHaveLength(20);
    expect(cellsOf[5]).toEqual(["v-fail", "FAIL"]);
    expect(cellsOf[12]).toEqual(["v-fail", "FAIL"]);
    expect(cellsOf[19]).toEqual(["v-fail", "FAIL"]);
    expect(cellsOf.filter(([c]) => c === "v-fail")).toHaveLength(3);
    // the failing case: its reason, the DisplayMessage decoded by field, and the message the display kept
    const article = /<article id="case-0-COT-06" class="case k-fail">([\s\S]*?)<\/article>/.exec(dom)![1]!;
    expect(article).toMatch(
      /<p class="reason">after-cot probe seq \d+ still holds 1 supplier message\(s\) it held across T/,
    );
    const message = /<tr><th>message \d+<\/th><td>(Supplier message[^<]*)<\/td><\/tr>/.exec(article);
    expect(message).not.toBeNull();
    expect(article).toContain("<h5>Previous occupier (1 item)</h5>");
    expect(article).toMatch(new RegExp(`message \\d+: ${message![1]}`));
    expect(article).toMatch(
      /<tr><th>control \(PTCC\)<\/th><td>0x00000600 · clearIhdDataConsumer, clearIhdDataSupplier/,
    );
    // provenance and the hub's answers are there too
    expect(dom).toMatch(/<th>report id<\/th><td>hb-\d{8}T\d{6}Z-[0-9a-f]{8}<\/td>/);
    // the compliant devices ask GetChangeOfTenancy (suite v2): the hub's PublishChangeOfTenancy, decoded
    expect(dom).toMatch(/<table class="replies">[\s\S]*?publishChangeOfTenancy: [^<]*implementationDateTime \d{4}-/);
  }, 120_000);
});
