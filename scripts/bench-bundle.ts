/**
 * What the benchmarks that run bundled code share: `bundleInPlace` bundles TypeScript with src/ by esbuild as
 * the profile matrix runs its workers (scripts/bench-matrix.ts), so that a figure is that of the code the matrix
 * runs and not the TypeScript loader's; `loadAverage` is the machine's load as every benchmark prints it.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";

/** What each bundled module's URL replaces (spelt so that this module's own text is not replaced inside it). */
const META_URL = ["import", "meta", "url"].join(".");

/** What to bundle: a module file, or module text (`contents`, its imports resolved from `resolveDir`). */
export type BundleEntry = { file: string } | { contents: string; resolveDir: string };

/**
 * Bundles `entry` with the project's modules it imports into `outfile` (ESM for Node 20): every module keeps its
 * own import.meta.url (src/ finds docs/baseline.json and herdsman's modules through it), the packages stay
 * imports of their files in node_modules, resolved as src/ would resolve them. Returns `outfile`.
 */
export async function bundleInPlace(entry: BundleEntry, outfile: string): Promise<string> {
  // loaded when bundling only: a bundle that imports this module does not load esbuild at its start
  const { build } = await import("esbuild");
  await build({
    ...("file" in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: "ts" as const } }),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "warning",
    plugins: [
      {
        name: "in-place",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("node:") ? undefined : { path: import.meta.resolve(args.path), external: true },
          );
          b.onLoad({ filter: /\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, "utf8").replaceAll(
              META_URL,
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: "ts",
          }));
        },
      },
    ],
  });
  return outfile;
}

/** The 1, 5 and 15 minute load averages: `1.2 0.9 0.7`. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
}
