/**
 * src/redact.ts: registered secrets are scrubbed from text in every form a log line, an error message or a
 * console answer could show them, and fields named like key material are redacted whatever they hold; and the
 * logger (src/log.ts) puts every line through it.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions } from "../src/log.js";
import { addSecret, redactFields, redactText, secretCount } from "../src/redact.js";

// a network key, an install code with its CRC, and a link key (values of no real device)
const NETWORK_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const CODE_WITH_CRC = "83fed3407a939723a5c639b26916d505c3b5";
const LINK_KEY = "66b6900981e1ee3ca4206b6b861c02bb";
addSecret(Buffer.from(NETWORK_KEY, "hex"));
addSecret(CODE_WITH_CRC, CODE_WITH_CRC.slice(0, 32), LINK_KEY.toUpperCase());

describe("redactText", () => {
  it.each([
    ["lower-case hex", `key ${NETWORK_KEY} set`, "key [redacted] set"],
    ["upper-case hex", `key ${NETWORK_KEY.toUpperCase()} set`, "key [redacted] set"],
    ["colon-separated bytes", "key 0f:1e:2d:3c:4b:5a:69:78:87:96:a5:b4:c3:d2:e1:f0 set", "key [redacted] set"],
    [
      "space-separated upper-case bytes",
      "key 0F 1E 2D 3C 4B 5A 69 78 87 96 A5 B4 C3 D2 E1 F0 set",
      "key [redacted] set",
    ],
    [
      "0x-prefixed bytes in a list",
      "[0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0]",
      "[[redacted]]",
    ],
    ["a 0x-prefixed run", "0x0f1e2d3c4b5a69788796a5b4c3d2e1f0", "[redacted]"],
    ["groups of four", "0f1e-2d3c-4b5a-6978-8796-a5b4-c3d2-e1f0", "[redacted]"],
    [
      "JSON array of hex strings",
      '["0f","1e","2d","3c","4b","5a","69","78","87","96","a5","b4","c3","d2","e1","f0"]',
      '["[redacted]"]',
    ],
    [
      "inside a longer hex run, at an odd offset",
      "data 01fe80e8cb53006f0d10f1e2d3c4b5a69788796a5b4c3d2e1f0ab",
      "data 01fe80e8cb53006f0d1[redacted]ab",
    ],
    [
      "a decimal byte array (JSON of a Buffer)",
      '{"type":"Buffer","data":[15,30,45,60,75,90,105,120,135,150,165,180,195,210,225,240]}',
      '{"type":"Buffer","data":[[redacted]]}',
    ],
    [
      "a decimal array with spaces, inside a longer one",
      "[1, 2, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180, 195, 210, 225, 240, 3]",
      "[1, 2, [redacted], 3]",
    ],
    ["an install code with its CRC, as a whole", `code ${CODE_WITH_CRC.toUpperCase()}`, "code [redacted]"],
    ["an install code without its CRC", "code 83FED3407A939723A5C639B26916D505", "code [redacted]"],
    ["the derived link key", `tclk ${LINK_KEY}`, "tclk [redacted]"],
    ["two secrets in one line", `${NETWORK_KEY} and ${LINK_KEY}`, "[redacted] and [redacted]"],
  ])("scrubs a secret written as %s", (_what, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    ["an EUI-64", "device 0x0d6f009708e2e015 joined"],
    ["a ZCL frame", "raw 0901020000010200030004"],
    ["a secret with one byte changed", "0f1e2d3c4b5a69788796a5b4c3d2e1f1"],
    ["the first half of a secret", "0f1e2d3c4b5a6978"],
    ["text and times", "2026-12-04T12:27:20.816Z served previousDayConsumptionDelivered 12345"],
    ["a decimal array of other bytes", "[15,30,45,60,75,90,105,120,135,150,165,180,195,210,225,241]"],
  ])("leaves %s alone", (_what, text) => {
    expect(redactText(text)).toBe(text);
  });

  it("refuses secrets too short to be told from chance, and counts each secret once", () => {
    expect(() => addSecret("0102030405")).toThrow(/at least 6 bytes/);
    expect(() => addSecret("not hex at all")).toThrow(/must be hex/);
    const before = secretCount();
    addSecret(NETWORK_KEY, `0x${NETWORK_KEY.toUpperCase()}`);
    expect(secretCount()).toBe(before);
  });
});

describe("redactFields", () => {
  it("redacts fields named like key material at any depth and turns bytes into hex", () => {
    const out = redactFields({
      networkKey: [1, 2, 3],
      nested: { installCode: "x", deeper: [{ linkKey: Buffer.alloc(16), ok: 1 }] },
      data: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      bytes: new Uint8Array([1, 2]),
      text: "kept",
    });
    expect(out).toEqual({
      networkKey: "[redacted]",
      nested: { installCode: "[redacted]", deeper: [{ linkKey: "[redacted]", ok: 1 }] },
      data: "deadbeef",
      bytes: "0102",
      text: "kept",
    });
  });
});

describe("the logger's lines", () => {
  function capture(): { logger: pino.Logger; lines: () => string } {
    let text = "";
    const sink = new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
    return { logger: pino(loggerOptions("trace"), sink), lines: () => text };
  }

  it("carry no registered secret, whether in the message, a field, a Buffer, a byte array or a child's bindings", () => {
    const { logger, lines } = capture();
    logger.child({ tag: `k=${NETWORK_KEY}` }).debug(
      {
        data: Buffer.from(NETWORK_KEY, "hex"),
        array: [...Buffer.from(LINK_KEY, "hex")],
        frame: `01fe80e8cb53006f0d${CODE_WITH_CRC}`,
        key: "anything at all",
      },
      `adding install code ${CODE_WITH_CRC.match(/../g)!.join(":")}`,
    );
    const text = lines();
    expect(text).toContain('"frame":"01fe80e8cb53006f0d[redacted]"');
    expect(text).toContain('"key":"[redacted]"');
    expect(text).toContain('"msg":"adding install code [redacted]"');
    expect(text).toContain('"tag":"k=[redacted]"');
    expect(text.toLowerCase()).not.toContain(NETWORK_KEY);
    expect(text.toLowerCase()).not.toContain(LINK_KEY);
    expect(text.toLowerCase()).not.toContain(CODE_WITH_CRC.slice(0, 32));
    expect(text).not.toContain(Buffer.from(LINK_KEY, "hex").join(","));
    expect(text).not.toContain(Buffer.from(NETWORK_KEY, "hex").join(","));
  });
});
