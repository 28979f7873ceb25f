// Transpiles src/**/*.ts to dist/ (ESM, same layout), so `hanbench` runs as plain JavaScript without the
// TypeScript loader thread (faster start, ~20 MB less memory). Run by `npm ci` / `npm install` (prepare);
// bin/hanbench.js falls back to running src/ through tsx when dist/ is missing or older than src/.
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
writeFileSync(join("dist", ".built"), `${new Date().toISOString()}\n`);
