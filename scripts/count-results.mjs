// Prints "N passed, N failed[, N skipped]" from a JUnit XML file, as the last line of a CI run.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "test-results/junit.xml";
let xml;
try {
  xml = readFileSync(file, "utf8");
} catch {
  console.log("0 passed, 1 failed");
  console.error(`no test results at ${file}`);
  process.exit(1);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
  const body = m[2] ?? "";
  if (/<(failure|error)\b/.test(body)) failed++;
  else if (/<skipped\b/.test(body)) skipped++;
  else passed++;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
