import { readFileSync } from "node:fs";

/** "hanbench X.Y.Z" from package.json, read once. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return `hanbench ${pkg.version}`;
}

export function toolVersion(): string {
  return version().split(" ")[1] ?? "0.0.0";
}
