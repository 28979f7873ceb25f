/** The `hanbench` dispatcher: its command table, help, and unknown commands. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { main, usage } from "../../src/cli/main.js";

const COMMANDS = ["run", "virtual", "serve", "zcl", "cert", "report", "ports"];

function capture() {
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const text = (s: typeof out) => s.mock.calls.map(([c]) => String(c)).join("");
  return { stdout: () => text(out), stderr: () => text(err) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hanbench", () => {
  it("lists every command in its help", () => {
    const listed = usage()
      .split("\n")
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual(COMMANDS);
  });

  it.each(COMMANDS)("loads '%s' from the table and runs its --help (exit 0)", async (name) => {
    const io = capture();
    expect(await main([name, "--help"])).toBe(0);
    expect(io.stdout()).toContain(`hanbench ${name}`);
  });

  it.each(["nope", "constructor", "toString", "__proto__"])(
    "refuses '%s' in one line with exit 2, as an unknown command",
    async (name) => {
      const io = capture();
      expect(await main([name])).toBe(2);
      expect(io.stderr()).toBe(`hanbench: unknown command '${name}'. Run 'hanbench --help' for the list.\n`);
    },
  );
});
