/**
 * Reading an evidence log back (issue 11 item 2): every line checked against the evidence schema, what is
 * not an event skipped and said (which line, why), seq problems reported, binary refused and never echoed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EvidenceReadError, evidenceWarnings, excerpt, readEvidence } from "../../src/evidence/read.js";

const dir = mkdtempSync(join(tmpdir(), "hb-read-"));
let n = 0;
function file(lines: string[] | Buffer): string {
  const path = join(dir, `e-${++n}.jsonl`);
  writeFileSync(path, Array.isArray(lines) ? `${lines.join("\n")}\n` : lines);
  return path;
}

const T = '"t":"2026-01-01T00:00:00.000Z","wall":"2026-01-01T00:00:00.000Z"';
const note = (seq: number, message = "m") => `{"seq":${seq},${T},"kind":"note","message":"${message}"}`;

describe("readEvidence", () => {
  it("skips every line that is not an event, saying which and why, and keeps the rest", () => {
    const log = readEvidence(
      file([note(1), "null", "42", "[]", '"x"', '{"seq":"x"}', note(2), '{"seq":3,"kind":"no', note(3)]),
    );
    expect(log.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.bad.map((b) => [b.line, b.why])).toEqual([
      [2, "not an event object (null)"],
      [3, "not an event object (number)"],
      [4, "not an event object (array)"],
      [5, "not an event object (string)"],
      [6, 'seq is "x", not a positive integer'],
      [8, "not JSON"],
    ]);
    expect(log.lines).toBe(9);
  });

  it("checks the fields of each kind of event, and the fields every event has", () => {
    const join = (nwk: string) =>
      `{"seq":2,${T},"kind":"join","device":"0x00db1234567890a0","nwk":${nwk},"accepted":true,"reason":"ok"}`;
    const cases: [string, string][] = [
      [join('"x"'), 'nwk of a join event is "x", not an integer'],
      [
        `{"seq":2,${T},"kind":"join","device":"0x00db1234567890a0","accepted":true,"reason":"ok"}`,
        "a join event without nwk",
      ],
      [
        `{"seq":2,${T},"kind":"phase","name":"cot","state":"half"}`,
        'state of a phase event is "half", not one of "start", "end"',
      ],
      [
        `{"seq":2,${T},"kind":"error","source":"x","message":"y","device":7}`,
        "device of an error event is 7, not a string",
      ],
      [
        `{"seq":2,"t":"yesterday","wall":"2026-01-01T00:00:00.000Z","kind":"note","message":"m"}`,
        't is "yesterday", not an ISO time',
      ],
      [`{"seq":2,${T},"kind":3}`, "kind is 3, not a string"],
    ];
    for (const [line, why] of cases) {
      const log = readEvidence(file([note(1), line]));
      expect(log.bad.map((b) => b.why)).toEqual([why]);
      expect(log.events).toHaveLength(1);
    }
    // the provenance a run records: the run event's fields, each DUT's Basic cluster, the end of the run
    const provenance: [string, string][] = [
      [
        `{"seq":2,${T},"kind":"basic","device":"0x00db1234567890a0","hwVersion":"2"}`,
        'hwVersion of a basic event is "2", not a number',
      ],
      [`{"seq":2,${T},"kind":"basic","swBuildId":"5.0.3"}`, "a basic event without device"],
      [`{"seq":2,${T},"kind":"end","aborted":true}`, "aborted of an end event is true, not a string"],
    ];
    for (const [line, why] of provenance)
      expect(readEvidence(file([note(1), line])).bad.map((b) => b.why)).toEqual([why]);
    const run = `{"seq":1,${T},"kind":"run","tool":"hanbench","version":"0.1.0","mode":"virtual","seed":1,"hub":{},"baseline":{},"windowMs":1,"duts":[]`;
    expect(readEvidence(file([`${run},"reportId":7}`])).bad.map((b) => b.why)).toEqual([
      "reportId of a run event is 7, not a string",
    ]);
    expect(
      readEvidence(file([`${run},"reportId":"hb-x","lab":{"lab":"A"}}`, `{"seq":2,${T},"kind":"end"}`])).bad,
    ).toEqual([]);
    // a kind this version does not know (a newer log's) is kept
    expect(readEvidence(file([note(1), `{"seq":2,${T},"kind":"later","x":1}`])).events).toHaveLength(2);
    expect(readEvidence(file([note(1), join("4660")])).bad).toEqual([]);
  });

  it("skips a repeated or decreasing seq and reports seq numbers that jump", () => {
    const log = readEvidence(file([note(1), note(2), note(2, "again"), note(5), note(4), note(6)]));
    expect(log.events.map((e) => e.seq)).toEqual([1, 2, 5, 6]);
    expect(log.bad.map((b) => [b.line, b.why])).toEqual([
      [3, "seq 2 again (line 2 has it)"],
      [5, "seq 4 after seq 5: out of order"],
    ]);
    expect(log.gaps).toEqual([{ line: 4, after: 2, seq: 5 }]);
  });

  it("refuses binary data without reading it as lines", () => {
    expect(() => readEvidence(file(Buffer.concat([Buffer.from(`${note(1)}\n`), randomBytes(2 << 20)])))).toThrow(
      EvidenceReadError,
    );
    // no NUL byte, but not UTF-8 text either
    const noNul = Buffer.from(Array.from({ length: 4096 }, (_, i) => 0x80 + (i % 0x7f)));
    expect(() => readEvidence(file(Buffer.concat([noNul, Buffer.from("\n"), Buffer.from(note(1))])))).toThrow(
      "not an evidence log: line 1 is not UTF-8 text",
    );
    // the last line cut inside a character by a crash is only a bad line
    const cut = Buffer.concat([Buffer.from(`${note(1)}\n{"seq":2,"message":"caf`), Buffer.from([0xc3])]);
    expect(readEvidence(file(cut)).bad.map((b) => b.why)).toEqual(["not JSON"]);
  });
});

describe("evidenceWarnings", () => {
  it("names each problem with a short escaped excerpt, ten at most, then counts", () => {
    const lines = [note(1)];
    for (let i = 0; i < 7612; i++) lines.push(`\u001b[2J\u0007 ${"z".repeat(200)}`);
    const log = readEvidence(file(lines));
    const warnings = evidenceWarnings("e.jsonl", log);
    expect(warnings).toHaveLength(12);
    expect(warnings[0]).toBe(
      "warning: e.jsonl:2: not JSON, skipped: \\u001b[2J\\u0007 zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz…",
    );
    expect(warnings.at(-2)).toBe("warning: e.jsonl: 7602 more problem(s) not shown");
    expect(warnings.at(-1)).toBe("warning: e.jsonl: 7612 of 7613 line(s) skipped");
    for (const w of warnings) expect(w).toMatch(/^[\x20-\x7e…]+$/);
  });

  it("says how many events a jump in seq leaves out", () => {
    expect(evidenceWarnings("e.jsonl", readEvidence(file([note(1), note(4)])))).toEqual([
      "warning: e.jsonl:2: seq 4 after seq 1: 2 event(s) missing",
    ]);
  });

  it("excerpt: at most 40 characters, everything outside printable ASCII escaped", () => {
    expect(excerpt("é\u0000x")).toBe("\\u00e9\\u0000x");
    expect(excerpt("a".repeat(50))).toBe(`${"a".repeat(40)}…`);
  });
});
