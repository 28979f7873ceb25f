/**
 * The layering of src/ (README "Architecture"): imports point down only, siblings do not import one another,
 * and there are no import cycles. Read from the sources with TypeScript's own import scanner, so static,
 * type-only, re-exported and dynamic imports all count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

/**
 * Rank of each top-level folder of src/: a file may import its own folder and any folder of a lower rank.
 * Folders of one rank are siblings and must not import one another. Files directly in src/ (the logger,
 * durations) are the floor: they import no other part of the project.
 */
const LAYERS: Record<string, number> = {
  ".": 0,
  zcl: 1,
  evidence: 2,
  crypto: 2,
  hub: 3,
  "cluster-cot": 4,
  host: 4,
  virtual: 4,
  bench: 4,
  report: 5,
  runner: 6,
  cli: 7,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The project files a source file imports (relative specifiers, `.js` mapped back to `.ts`). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
}

function layerOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  return parts.length === 1 ? "." : (parts[0] as string);
}

interface Graph {
  [file: string]: string[];
}

function importGraph(root = SRC): Graph {
  const graph: Graph = {};
  for (const f of sourceFiles(root)) graph[relative(root, f)] = importsOf(f).map((t) => relative(root, t));
  return graph;
}

/** Imports that break the layering, as `from -> to` lines. */
function layerViolations(graph: Graph, layers = LAYERS): string[] {
  const out: string[] = [];
  for (const [from, targets] of Object.entries(graph)) {
    const a = layerOf(join(SRC, from));
    for (const to of targets) {
      const b = layerOf(join(SRC, to));
      if (a === b) continue;
      const ra = layers[a];
      const rb = layers[b];
      if (ra === undefined || rb === undefined) out.push(`${from} -> ${to} (folder without a layer)`);
      else if (rb >= ra) out.push(`${from} -> ${to} (${a} may not import ${b})`);
    }
  }
  return out;
}

/** Every import cycle, each as the list of files around it (Tarjan's strongly connected components). */
function importCycles(graph: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph[v] ?? []) {
      if (!(w in graph)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph[v] ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of Object.keys(graph)) if (!idx.has(v)) visit(v);
  return cycles;
}

/**
 * Cycles known and being removed (none now). An entry that no longer exists fails the test, so the list only
 * shrinks.
 */
const KNOWN_CYCLES: string[][] = [];

describe("layering of src/", () => {
  const graph = importGraph();

  it("reads the imports it judges (the graph is not empty, and knows the evidence log's users)", () => {
    expect(Object.keys(graph).length).toBeGreaterThan(100);
    const users = Object.entries(graph).filter(([, t]) => t.includes("evidence/events.ts"));
    expect(users.length).toBeGreaterThan(10);
  });

  it("has a layer for every top-level folder of src/", () => {
    const folders = new Set(Object.keys(graph).map((f) => layerOf(join(SRC, f))));
    expect([...folders].filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it("imports point down only, and siblings do not import one another", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("has no import cycles (beyond the known ones, each of which must still exist: drop it when it goes)", () => {
    const cycles = importCycles(graph).map((c) => c.join(" <-> "));
    const known = KNOWN_CYCLES.map((c) => c.join(" <-> "));
    expect(cycles.filter((c) => !known.includes(c))).toEqual([]);
    expect(known.filter((c) => !cycles.includes(c))).toEqual([]);
  });

  it("the checks catch what they are for", () => {
    // an upward import, a sibling import and a cycle, in a made-up graph
    const fake: Graph = {
      "hub/a.ts": ["runner/b.ts"],
      "host/c.ts": ["virtual/d.ts"],
      "virtual/d.ts": [],
      "runner/b.ts": ["runner/e.ts"],
      "runner/e.ts": ["runner/b.ts"],
    };
    expect(layerViolations(fake)).toEqual([
      "hub/a.ts -> runner/b.ts (hub may not import runner)",
      "host/c.ts -> virtual/d.ts (host may not import virtual)",
    ]);
    expect(importCycles(fake)).toEqual([["runner/b.ts", "runner/e.ts"]]);
  });
});
