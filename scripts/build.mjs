// Transpiles src/**/*.ts to dist/ (ESM, same layout), so `hanbench` runs as plain JavaScript without the
// TypeScript loader thread (faster start, ~20 MB less memory). Run by `npm ci` / `npm install` (prepare);
// bin/hanbench.js falls back to running src/ through tsx when dist/ is missing or older than src/.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: tsFiles("src"),
  outdir: "dist",
  outbase: "src",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
});
// What the reports name as the build (src/cli/version.ts): the time and, in a git checkout, the commit.
const git = (args) => {
  const r = spawnSync("git", args, { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const builtAt = new Date().toISOString();
const inOwnCheckout = git(["rev-parse", "--show-toplevel"]) === process.cwd();
const commit = inOwnCheckout ? git(["rev-parse", "HEAD"]) : undefined;
const status = commit ? git(["status", "--porcelain", "--untracked-files=no"]) : undefined;
writeFileSync(
  join("dist", "build.json"),
  `${JSON.stringify({ builtAt, ...(commit ? { commit, dirty: (status ?? "").length > 0 } : {}) })}\n`,
);
writeFileSync(join("dist", ".built"), `${builtAt}\n`);
