/**
 * Which hanbench is running: the version in package.json and, for the reports' provenance, the git commit it
 * was built from (dist/build.json, written by scripts/build.mjs) or runs in (a checkout running src/ asks git).
 * No git, no checkout: no commit, never an error.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildInfo } from "../evidence/events.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** "hanbench X.Y.Z" from package.json, read once. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return `hanbench ${pkg.version}`;
}

export function toolVersion(): string {
  return version().split(" ")[1] ?? "0.0.0";
}

/** zigbee-herdsman's version, from the package.json of the copy this hanbench loads. */
export function herdsmanVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)("zigbee-herdsman/package.json") as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** `git -C PACKAGE_ROOT ARGS` output, or undefined when git is absent or fails. */
function git(args: string[]): string | undefined {
  const r = spawnSync("git", ["-C", PACKAGE_ROOT, ...args], { encoding: "utf8", timeout: 5_000 });
  return r.status === 0 && typeof r.stdout === "string" ? r.stdout.trim() : undefined;
}

/** The commit of the checkout hanbench runs in (only when the checkout is hanbench's own). */
function checkoutCommit(): Pick<BuildInfo, "commit" | "dirty"> {
  const top = git(["rev-parse", "--show-toplevel"]);
  if (!top || resolve(top) !== resolve(PACKAGE_ROOT)) return {};
  const commit = git(["rev-parse", "HEAD"]);
  if (!commit) return {};
  const status = git(["status", "--porcelain", "--untracked-files=no"]);
  return { commit, ...(status !== undefined ? { dirty: status.length > 0 } : {}) };
}

let cached: BuildInfo | undefined;

/** Version, commit and (for dist/) build time of the running hanbench. */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const ver = toolVersion();
  let built: { builtAt?: string; commit?: string; dirty?: boolean } | undefined;
  if (import.meta.url.includes("/dist/")) {
    try {
      built = JSON.parse(readFileSync(new URL("../build.json", import.meta.url), "utf8")) as typeof built;
    } catch {
      built = {};
    }
  }
  cached = built
    ? {
        version: ver,
        from: "dist",
        ...(typeof built.commit === "string" ? { commit: built.commit } : {}),
        ...(typeof built.dirty === "boolean" ? { dirty: built.dirty } : {}),
        ...(typeof built.builtAt === "string" ? { builtAt: built.builtAt } : {}),
      }
    : { version: ver, from: "source", ...checkoutCommit() };
  return cached;
}
