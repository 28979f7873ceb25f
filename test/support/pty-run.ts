/**
 * Runs a command on a pseudo-terminal, as a person at a terminal would run it, through python3's pty module
 * (the test writes keystrokes to the pty and reads what the program shows). The pty is 40 rows by 200
 * columns. What the program writes goes into a Screen; `waitFor` resolves when the screen shows something.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Screen } from "./screen.js";

/** Forks the command on a pty, relays stdin to it and its output to stdout, exits with its exit code. */
const RELAY = `
import os, pty, sys, select, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
fds = [fd, 0]
while True:
    r, _, _ = select.select(fds, [], [])
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            fds.remove(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

export interface PtyRun {
  child: ChildProcess;
  screen: Screen;
  /** Everything written, as it came. */
  raw(): string;
  type(keys: string): void;
  /** Resolves when `test(screen)` holds; rejects after `ms` with the screen in the message. */
  waitFor(test: (screen: Screen) => boolean, ms: number, what: string): Promise<void>;
  exited: Promise<number | null>;
}

export function ptyRun(command: string[], env: NodeJS.ProcessEnv = process.env): PtyRun {
  const child = spawn("python3", ["-c", RELAY, ...command], { stdio: ["pipe", "pipe", "pipe"], env });
  const screen = new Screen();
  let raw = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    raw += text;
    screen.write(text);
    for (const w of [...waiters]) w();
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    screen,
    raw: () => raw,
    type: (keys) => child.stdin!.write(keys),
    exited,
    waitFor(test, ms, what) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!test(screen)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the screen did not show ${what} within ${ms} ms:\n${screen.text.join("\n")}\n${stderr}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}
