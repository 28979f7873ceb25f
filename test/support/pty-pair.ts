/** Two linked ptys made by socat (a null-modem cable in software), for tests that open real serial ports. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "hb-pty-"));
  const a = join(dir, "ttyA");
  const b = join(dir, "ttyB");
  const child: ChildProcess = spawn("socat", [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: "ignore",
  });
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (err) =>
      reject(new Error(`socat could not start (${err.message}); install the socat package`)),
    );
  });
  const deadline = Date.now() + 5_000;
  while (!(existsSync(a) && existsSync(b))) {
    if (Date.now() > deadline) {
      child.kill();
      throw new Error("socat did not create the pty links within 5 s");
    }
    await Promise.race([new Promise((r) => setTimeout(r, 20)), failed]);
  }
  return {
    a,
    b,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
