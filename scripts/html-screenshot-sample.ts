/**
 * Writes the sample run's HTML report (test/report/html-sample.ts) to the path given, for
 * scripts/html-screenshot.sh --sample.
 */
import { writeFileSync } from "node:fs";
import { renderHtml } from "../src/report/html.js";
import { buildSample } from "../test/report/html-sample.js";

const out = process.argv[2];
if (!out) {
  process.stderr.write("usage: tsx scripts/html-screenshot-sample.ts OUT.html\n");
  process.exit(2);
}
const { report, events } = buildSample({ requests: Number(process.env.SAMPLE_REQUESTS ?? 6) });
writeFileSync(out, renderHtml(report, events));
process.stdout.write(`${out}\n`);
