#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=35
// Entry point. Runs the JavaScript that `npm ci` builds into dist/ (scripts/build.mjs); when dist/ is missing
// or older than any file in src/ (a checkout being worked on), runs src/ through tsx's loader instead.
// The small young generation (--max-semi-space-size, MB) and an old generation that grows by 35 % between full
// collections (--heap-growing-percent; V8 lets it grow up to 4 times on a machine with memory to spare) keep a
// 16-device run's memory under 200 MB (docs/benchmarks.md). Neither caps the heap: a longer run only collects
// more often.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function builtIsFresh() {
  try {
    return statSync(join(root, "dist", ".built")).mtimeMs >= newestMtime(join(root, "src"));
  } catch {
    return false;
  }
}

let main;
if (builtIsFresh()) {
  ({ main } = await import("../dist/cli/main.js"));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exit(await main(process.argv.slice(2)));
