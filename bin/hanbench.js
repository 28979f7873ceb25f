#!/usr/bin/env node
// Entry point: loads the TypeScript CLI through tsx's ESM loader, so a fresh clone needs no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv.slice(2));
process.exit(code);
