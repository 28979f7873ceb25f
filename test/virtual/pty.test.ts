/** The socat pty opened with serialport's native binding, as a USB dongle would be; a cut and a re-plug. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterAll, expect, it } from "vitest";
import { VirtualDongle } from "../../src/virtual/dongle.js";
import { socatAvailable } from "../../src/virtual/transport/pty.js";

const haveSocat = socatAvailable();
const dir = mkdtempSync(join(tmpdir(), "hanbench-pty-"));
let dongle: VirtualDongle | undefined;
afterAll(async () => {
  await dongle?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens `path` at 115200 8N1 without flow control, sends a SYS ping and resolves with the reply bytes. */
async function ping(path: string): Promise<Buffer> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  try {
    const reply = new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error(`no ping reply, got ${got.toString("hex")}`)), 2000);
      port.on("data", (c: Buffer) => {
        got = Buffer.concat([got, c]);
        if (got.length >= 7) {
          clearTimeout(timer);
          resolve(got);
        }
      });
    });
    port.write(Buffer.from("fe00210120", "hex"));
    return await reply;
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

it.skipIf(!haveSocat)(
  `serves a ping on the pty, again after a reopen, and after a cut once socat is back${haveSocat ? "" : " (skipped: socat is not installed)"}`,
  async () => {
    const path = join(dir, "ttyZNP");
    dongle = await VirtualDongle.start({ pty: path });
    const firstPid = dongle.ptyPid;
    expect((await ping(path)).subarray(0, 4)).toEqual(Buffer.from("fe026101", "hex"));
    expect((await ping(path)).subarray(0, 4)).toEqual(Buffer.from("fe026101", "hex"));
    await dongle.cut();
    expect(existsSync(path)).toBe(true);
    expect(dongle.ptyPid).not.toBe(firstPid);
    expect((await ping(path)).subarray(0, 4)).toEqual(Buffer.from("fe026101", "hex"));
  },
  20_000,
);
